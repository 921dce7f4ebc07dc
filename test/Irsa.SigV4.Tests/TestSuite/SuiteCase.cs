using System.Text;
using System.Text.Json;

namespace Irsa.SigV4.Tests.TestSuite;

/// <summary>One case of the AWS SigV4 test suite, loaded from TestData/aws-sig-v4-test-suite.json.</summary>
public sealed class SuiteCase
{
    public required string Name { get; init; }
    public bool Normalize { get; init; }
    public bool SignBody { get; init; }
    public string? SessionToken { get; init; }
    public bool OmitSessionToken { get; init; }
    public required string Request { get; init; }
    public required string HeaderCanonicalRequest { get; init; }
    public required string HeaderStringToSign { get; init; }
    public required string HeaderSignature { get; init; }
    public required string HeaderSignedRequest { get; init; }
    public required string QueryCanonicalRequest { get; init; }
    public required string QueryStringToSign { get; init; }
    public required string QuerySignature { get; init; }
    public required string QuerySignedRequest { get; init; }

    public override string ToString() => Name;
}

public sealed class SuiteFile
{
    public required string AccessKeyId { get; init; }
    public required string SecretAccessKey { get; init; }
    public required string Region { get; init; }
    public required string Service { get; init; }
    public required DateTimeOffset Timestamp { get; init; }
    public int ExpiresSeconds { get; init; }
    public required List<SuiteCase> Cases { get; init; }
}

public static class Suite
{
    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    private static readonly Lazy<SuiteFile> File = new(() => JsonSerializer.Deserialize<SuiteFile>(
        System.IO.File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "aws-sig-v4-test-suite.json")),
        JsonOptions)!);

    public static SuiteFile Data => File.Value;

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in Data.Cases)
        {
            data.Add(c.Name);
        }

        return data;
    }

    public static SuiteCase Get(string name) => Data.Cases.Single(c => c.Name == name);

    /// <summary>Parses the suite's raw HTTP text (request line, folded headers, body) into a <see cref="SigV4Request"/>.</summary>
    public static SigV4Request ParseHttp(string text)
    {
        var headerEnd = text.IndexOf("\n\n", StringComparison.Ordinal);
        var head = headerEnd < 0 ? text : text[..headerEnd];
        var body = headerEnd < 0 ? string.Empty : text[(headerEnd + 2)..];
        var lines = head.Split('\n');

        // The target may contain raw spaces ("/example space/"), so cut at the first space and the trailing version.
        var requestLine = lines[0];
        var method = requestLine[..requestLine.IndexOf(' ', StringComparison.Ordinal)];
        var target = requestLine[(method.Length + 1)..requestLine.LastIndexOf(" HTTP/", StringComparison.Ordinal)];
        var q = target.IndexOf('?', StringComparison.Ordinal);
        var path = q < 0 ? target : target[..q];
        var query = q < 0 ? string.Empty : target[(q + 1)..];

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (line[0] is ' ' or '\t')
            {
                // Folded continuation of the previous header value.
                var last = headers[^1];
                headers[^1] = new(last.Key, last.Value + "\n" + line);
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers.Add(new(line[..colon], line[(colon + 1)..]));
        }

        return new SigV4Request(method, path, query, headers, SigV4Payload.FromBytes(Encoding.UTF8.GetBytes(body)));
    }
}
