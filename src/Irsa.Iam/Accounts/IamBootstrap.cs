using Irsa.Core.Aws;
using Irsa.Core.Security;
using Irsa.Iam.Common;
using Irsa.Iam.Roles;
using Irsa.Storage;

namespace Irsa.Iam.Accounts;

/// <summary>
/// Creates the account, the <c>irsa-admin</c> user (inline <c>*</c>/<c>*</c> allow) and its one access key on
/// first start, and hands the same credentials back on every later start.
/// </summary>
public sealed class IamBootstrap(IDocumentStore store, SecretProtector protector, TimeProvider timeProvider)
{
    public const string AdminUserName = "irsa-admin";
    public const string AdminPolicyName = "AdministratorAccess";
    public const string AdminPolicyDocument = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""";

    private const string BootstrapCollection = "iam.bootstrap";
    private const string DefaultAccountKey = "default-account";

    /// <summary>
    /// Ensures the account exists (pinned to <paramref name="accountId"/> when given, otherwise the first
    /// account created) with its admin user and key. Idempotent: later calls return the same key, decrypted from the store.
    /// </summary>
    public async Task<BootstrapResult> EnsureAccountAsync(string? accountId = null, CancellationToken cancellationToken = default)
    {
        if (accountId is not null && !AwsIds.IsAccountId(accountId))
        {
            throw new ArgumentException("An account id is 12 decimal digits.", nameof(accountId));
        }

        var (resolvedAccount, keyId, secret) = await store.TransactAsync(async session =>
        {
            var now = timeProvider.GetUtcNow();
            var pointer = await session.GetAsync<DefaultAccountPointer>(BootstrapCollection, DefaultAccountKey);
            var id = accountId ?? pointer?.AccountId ?? AwsIds.NewAccountId();
            if (pointer is null)
            {
                await session.PutAsync(BootstrapCollection, DefaultAccountKey, new DefaultAccountPointer(id), expectedVersion: 0);
            }

            var account = await session.GetAsync<AccountRecord>(IamCollections.Accounts, id);
            if (account is null)
            {
                account = new AccountRecord { AccountId = id, CreateDate = now };
                await session.PutAsync(IamCollections.Accounts, id, account, expectedVersion: 0);
            }

            var userKey = IamCollections.NameKey(id, AdminUserName);
            if (await session.GetAsync<UserRecord>(IamCollections.Users, userKey) is null)
            {
                await session.PutAsync(IamCollections.Users, userKey, new UserRecord
                {
                    AccountId = id,
                    UserName = AdminUserName,
                    UserId = AwsIds.NewUniqueId("AIDA"),
                    CreateDate = now,
                    InlinePolicies = [new InlinePolicy(AdminPolicyName, AdminPolicyDocument)],
                });
            }

            if (account.AdminAccessKeyId is { } existingKeyId
                && await session.GetAsync<AccessKeyRecord>(IamCollections.AccessKeys, existingKeyId) is { } existing)
            {
                return (id, existing.AccessKeyId, protector.UnprotectString(existing.ProtectedSecret, AccessKeys.SecretPurpose));
            }

            var (created, createdSecret) = await AccessKeys.CreateAsync(session, protector, id, AdminUserName, now);
            await session.PutAsync(IamCollections.Accounts, id, account with { AdminAccessKeyId = created.AccessKeyId });
            return (id, created.AccessKeyId, createdSecret);
        }, cancellationToken);

        return new BootstrapResult(resolvedAccount, keyId, secret);
    }

    private sealed record DefaultAccountPointer(string AccountId);
}

/// <summary>The bootstrap account and its admin credentials (write them to a 0600 file; never log the secret).</summary>
public sealed record BootstrapResult(string AccountId, string AccessKeyId, string SecretAccessKey)
{
    public override string ToString() => $"BootstrapResult {{ AccountId = {AccountId}, AccessKeyId = {AccessKeyId} }}";
}
