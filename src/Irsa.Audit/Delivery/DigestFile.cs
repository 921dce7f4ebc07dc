using System.Buffers;
using System.Text;
using System.Text.Json;
using Irsa.Audit.Records;

namespace Irsa.Audit.Delivery;

/// <summary>A log file as a digest lists it.</summary>
/// <param name="Bucket">The bucket named in <c>s3Bucket</c>.</param>
/// <param name="Key">The object key (<c>s3Object</c>).</param>
/// <param name="Hash">Hex SHA-256 of the uncompressed log.</param>
/// <param name="OldestEventTime">The oldest record's <c>eventTime</c>.</param>
/// <param name="NewestEventTime">The newest record's <c>eventTime</c>.</param>
public sealed record LogFileEntry(string Bucket, string Key, string Hash, DateTimeOffset OldestEventTime, DateTimeOffset NewestEventTime);

/// <summary>The content of a CloudTrail digest file, written with AWS's field order.</summary>
internal sealed record DigestFile
{
    public const string SignatureAlgorithm = "SHA256withRSA";
    public const string HashAlgorithm = "SHA-256";

    public required string AccountId { get; init; }

    public required DateTimeOffset StartTime { get; init; }

    public required DateTimeOffset EndTime { get; init; }

    public required string Bucket { get; init; }

    public required string Key { get; init; }

    public required string Fingerprint { get; init; }

    public string? PreviousBucket { get; init; }

    public string? PreviousKey { get; init; }

    public string? PreviousHash { get; init; }

    public string? PreviousSignature { get; init; }

    public required IReadOnlyList<LogFileEntry> LogFiles { get; init; }

    /// <summary>
    /// What is signed: <c>digestEndTime\nbucket/key\nhex(SHA-256(uncompressed digest))\npreviousDigestSignature</c>, the last
    /// being the literal <c>null</c> in a starting digest.
    /// </summary>
    public static string StringToSign(string endTime, string bucket, string key, string digestHash, string? previousSignature) =>
        $"{endTime}\n{bucket}/{key}\n{digestHash}\n{previousSignature ?? "null"}";

    public byte[] ToUtf8Bytes()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("awsAccountId", AccountId);
            writer.WriteString("digestStartTime", CloudTrailTime.Iso(StartTime));
            writer.WriteString("digestEndTime", CloudTrailTime.Iso(EndTime));
            writer.WriteString("digestS3Bucket", Bucket);
            writer.WriteString("digestS3Object", Key);
            writer.WriteString("digestPublicKeyFingerprint", Fingerprint);
            writer.WriteString("digestSignatureAlgorithm", SignatureAlgorithm);
            WriteTimeOrNull(writer, "newestEventTime", LogFiles.Count == 0 ? null : LogFiles.Max(l => l.NewestEventTime));
            WriteTimeOrNull(writer, "oldestEventTime", LogFiles.Count == 0 ? null : LogFiles.Min(l => l.OldestEventTime));
            WriteStringOrNull(writer, "previousDigestS3Bucket", PreviousBucket);
            WriteStringOrNull(writer, "previousDigestS3Object", PreviousKey);
            WriteStringOrNull(writer, "previousDigestHashValue", PreviousHash);
            WriteStringOrNull(writer, "previousDigestHashAlgorithm", PreviousHash is null ? null : HashAlgorithm);
            WriteStringOrNull(writer, "previousDigestSignature", PreviousSignature);
            writer.WriteStartArray("logFiles");
            foreach (var log in LogFiles)
            {
                writer.WriteStartObject();
                writer.WriteString("s3Bucket", log.Bucket);
                writer.WriteString("s3Object", log.Key);
                writer.WriteString("hashValue", log.Hash);
                writer.WriteString("hashAlgorithm", HashAlgorithm);
                writer.WriteString("newestEventTime", CloudTrailTime.Iso(log.NewestEventTime));
                writer.WriteString("oldestEventTime", CloudTrailTime.Iso(log.OldestEventTime));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteStringOrNull(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteTimeOrNull(Utf8JsonWriter writer, string name, DateTimeOffset? value) =>
        WriteStringOrNull(writer, name, value is { } time ? CloudTrailTime.Iso(time) : null);
}

/// <summary>
/// The side file <c>&lt;digest&gt;.json.gz.sig</c> that stands in for the S3 object metadata CloudTrail puts on a digest:
/// <c>{"signature":"&lt;hex&gt;","signature-algorithm":"SHA256withRSA"}</c> (the names of <c>x-amz-meta-signature</c> and
/// <c>x-amz-meta-signature-algorithm</c> without their prefix), so an S3 front end can serve them as that metadata.
/// </summary>
public static class DigestSignature
{
    public static byte[] Serialize(string signatureHex) =>
        Encoding.UTF8.GetBytes($"{{\"signature\":\"{signatureHex}\",\"signature-algorithm\":\"{DigestFile.SignatureAlgorithm}\"}}");

    /// <summary>The hex signature and its algorithm, or <c>null</c> when the file is unreadable or lacks either.</summary>
    public static (string Signature, string Algorithm)? TryRead(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return document.RootElement.TryGetProperty("signature", out var signature) &&
                   document.RootElement.TryGetProperty("signature-algorithm", out var algorithm) &&
                   signature.GetString() is { } hex && algorithm.GetString() is { } name
                ? (hex, name)
                : null;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException or InvalidOperationException)
        {
            return null;
        }
    }
}
