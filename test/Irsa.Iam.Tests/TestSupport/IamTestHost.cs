using System.Text;
using System.Xml.Linq;
using Irsa.Core.Aws;
using Irsa.Core.Query;
using Irsa.Core.Security;
using Irsa.Iam.Accounts;
using Irsa.Iam.Authorization;
using Irsa.Iam.Queries;
using Irsa.Storage;
using Irsa.Storage.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Irsa.Iam.Tests.TestSupport;

/// <summary>A temp-dir SQLite store with a bootstrapped account and the IAM API over it.</summary>
public sealed class IamTestHost : IAsyncDisposable
{
    public const string AccountId = "123456789012";
    public static readonly XNamespace Ns = IamProtocol.Namespace;

    private static readonly string[] Collections =
        ["iam.accounts", "iam.users", "iam.access-keys", "iam.oidc-providers", "iam.roles", "iam.policies", "iam.bootstrap"];

    private readonly DirectoryInfo _directory;

    private IamTestHost(DirectoryInfo directory, IDocumentStore store, SecretProtector protector, BootstrapResult admin)
    {
        _directory = directory;
        Store = store;
        Protector = protector;
        Admin = admin;
        Resolver = new PrincipalPolicyResolver(store);
        Api = new IamApi(store, Time, Resolver);
        Authorizer = new Authorizer(Resolver, Time);
        Catalog = new IamActionCatalog(store);
        Queries = new IamQueries(store, Time);
        AdminCaller = new AccessKeys(store, protector).FindAsync(admin.AccessKeyId).GetAwaiter().GetResult()!.ToCallerIdentity();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 8, 7, 12, 0, 0, TimeSpan.Zero));

    public IDocumentStore Store { get; }

    public SecretProtector Protector { get; }

    public BootstrapResult Admin { get; }

    public CallerIdentity AdminCaller { get; }

    public IamApi Api { get; }

    public PrincipalPolicyResolver Resolver { get; }

    public Authorizer Authorizer { get; }

    public IamActionCatalog Catalog { get; }

    public IamQueries Queries { get; }

    public static async Task<IamTestHost> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("irsa-iam-");
        var store = await SqlDocumentStore.OpenAsync(new SqliteDialect(Path.Combine(directory.FullName, "irsa.db")));
        var protector = new SecretProtector(new byte[32]);
        var admin = await new IamBootstrap(store, protector, TimeProvider.System).EnsureAccountAsync(AccountId);
        return new IamTestHost(directory, store, protector, admin);
    }

    /// <summary>Calls an action as the bootstrap admin and parses the success document.</summary>
    public async Task<XDocument> CallAsync(string action, params (string Key, string Value)[] parameters) =>
        await CallAsAsync(AdminCaller, action, parameters);

    public async Task<XDocument> CallAsAsync(CallerIdentity caller, string action, params (string Key, string Value)[] parameters)
    {
        var bytes = await Api.ExecuteAsync(action, Params(action, parameters), caller, "req-1");
        var document = XDocument.Parse(Encoding.UTF8.GetString(bytes));
        Assert.Equal(Ns + (action + "Response"), document.Root!.Name);
        Assert.Equal("req-1", document.Root.Element(Ns + "ResponseMetadata")!.Element(Ns + "RequestId")!.Value);
        return document;
    }

    /// <summary>Calls an action expecting an error; asserts the store did not change.</summary>
    public async Task<AwsError> FailAsync(string action, params (string Key, string Value)[] parameters) =>
        await FailAsAsync(AdminCaller, action, parameters);

    public async Task<AwsError> FailAsAsync(CallerIdentity caller, string action, params (string Key, string Value)[] parameters)
    {
        var before = await SnapshotAsync();
        var exception = await Assert.ThrowsAsync<AwsErrorException>(() => Api.ExecuteAsync(action, Params(action, parameters), caller, "req-1"));
        Assert.Equal(before, await SnapshotAsync());
        return exception.Error;
    }

    /// <summary>Every document of every IAM collection with its version: equal snapshots mean nothing changed.</summary>
    public async Task<string> SnapshotAsync()
    {
        var builder = new StringBuilder();
        foreach (var collection in Collections)
        {
            foreach (var document in await Store.ListAsync(collection))
            {
                builder.Append(collection).Append('|').Append(document.Key).Append('|').Append(document.Version).Append('|').AppendLine(document.Json);
            }
        }

        return builder.ToString();
    }

    public static QueryParameters Params(string action, params (string Key, string Value)[] parameters) =>
        new(parameters.Select(p => KeyValuePair.Create(p.Key, p.Value))
            .Prepend(KeyValuePair.Create("Version", IamProtocol.Version))
            .Prepend(KeyValuePair.Create("Action", action)));

    public static XElement Result(XDocument document, string action) => document.Root!.Element(Ns + (action + "Result"))!;

    public static string Text(XElement element, string path) =>
        path.Split('/').Aggregate(element, (e, name) => e.Element(Ns + name) ?? throw new InvalidOperationException($"No {name} in {e}")).Value;

    public static IReadOnlyList<string> Members(XElement element, string listName) =>
        [.. element.Element(Ns + listName)!.Elements(Ns + "member").Select(m => m.Value)];

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Policy documents used across the tests.</summary>
public static class Docs
{
    public const string Issuer = "oidc.example.com/id/ABC";
    public const string ProviderArn = "arn:aws:iam::123456789012:oidc-provider/" + Issuer;

    public const string IrsaTrust =
        """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/ABC"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.example.com/id/ABC:sub":"system:serviceaccount:default:app","oidc.example.com/id/ABC:aud":"sts.amazonaws.com"}}}]}""";

    public const string S3Read =
        """{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::data","arn:aws:s3:::data/*"]}]}""";

    public const string S3ReadOther =
        """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}]}""";

    public const string DenyIam =
        """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}""";

    public const string AllowIam =
        """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}""";
}
