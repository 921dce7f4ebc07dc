using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Irsa.Audit.Delivery;
using Irsa.Audit.Journal;
using Irsa.Audit.Records;

namespace Irsa.Audit.Verification;

/// <summary>What <c>AuditVerifier.VerifyAsync</c> found, counted and worded as <c>aws cloudtrail validate-logs</c> does.</summary>
/// <param name="Problems">validate-logs' stderr lines: <c>Digest file\ts3://…\tINVALID: …</c>, <c>Log file\ts3://…\tINVALID: …</c>, gaps.</param>
/// <param name="Valid">validate-logs' <c>--verbose</c> lines for files found valid.</param>
/// <param name="ValidDigests">Digests whose signature and chain verified.</param>
/// <param name="InvalidDigests">Digests missing, modified, moved, unsigned or inserted.</param>
/// <param name="ValidLogs">Log files whose hash matched their digest.</param>
/// <param name="InvalidLogs">Log files missing, modified, malformed or inserted.</param>
public sealed record VerificationReport(
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> Valid,
    int ValidDigests,
    int InvalidDigests,
    int ValidLogs,
    int InvalidLogs)
{
    /// <summary>Nothing invalid: validate-logs would exit 0.</summary>
    public bool IsValid => InvalidDigests == 0 && InvalidLogs == 0;

    /// <summary>The summary lines validate-logs prints (<c>3/3 digest files valid</c>, …).</summary>
    public IEnumerable<string> Summary()
    {
        foreach (var (valid, invalid, name) in new[] { (ValidDigests, InvalidDigests, "digest"), (ValidLogs, InvalidLogs, "log") })
        {
            var total = valid + invalid;
            if (total > 0)
            {
                yield return invalid > 0
                    ? $"{valid}/{total} {name} files valid, {invalid}/{total} {name} files INVALID"
                    : $"{valid}/{total} {name} files valid";
            }
        }
    }
}

/// <summary>
/// Verifies a trail's folder the way <c>aws cloudtrail validate-logs</c> verifies a bucket: for each account and
/// region, walk the digest chain from the newest digest in range back to <c>from</c>, checking each digest's location,
/// key, signature and its listed logs' hashes, then report files no valid digest accounts for (which validate-logs,
/// reading only what digests name, cannot see).
/// </summary>
/// <remarks>
/// The walk stops at the first digest that starts at or before <c>from</c>, so verifying from
/// <see cref="Journal.AuditTrail.OldestDigestStart()"/> accepts a chain whose oldest kept digest points at one pruned
/// by retention, while any earlier <c>from</c> reports that digest as not found.
/// </remarks>
public static class AuditVerifier
{
    private static readonly string[] RequiredDigestFields =
        ["digestPublicKeyFingerprint", "digestS3Bucket", "digestS3Object", "previousDigestSignature", "digestEndTime", "digestStartTime"];

    /// <summary>
    /// Verifies with the public keys recorded in the trail's own journal (<c>folder/journal.db</c>), like validate-logs
    /// asking ListPublicKeys for <c>[from, to + 2 h]</c>. Someone able to rewrite the journal can also replace those keys:
    /// to detect that, verify with a key list kept elsewhere (the other overload).
    /// </summary>
    public static Task<VerificationReport> VerifyAsync(string folder, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        List<PublicKeyInfo> keys;
        using (var connection = JournalSchema.OpenReader(Path.Combine(folder, JournalSchema.FileName)))
        {
            keys = DigestSigningKey.List(connection, from, to.AddHours(2));
        }

        return VerifyAsync(folder, from, to, keys, cancellationToken);
    }

    public static Task<VerificationReport> VerifyAsync(string folder, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<PublicKeyInfo> publicKeys,
        CancellationToken cancellationToken = default) =>
        Task.Run(() => Verify(folder, from, to, publicKeys, cancellationToken), cancellationToken);

    private static VerificationReport Verify(string folder, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<PublicKeyInfo> publicKeys,
        CancellationToken cancellationToken)
    {
        var run = new Run(folder, publicKeys.ToDictionary(k => k.Fingerprint, StringComparer.Ordinal));
        foreach (var (account, region, digestFolder) in Streams(folder))
        {
            cancellationToken.ThrowIfCancellationRequested();
            run.WalkChain(account, region, digestFolder, from, to);
        }

        run.ReportUnlistedLogs(from, to);
        return new VerificationReport(run.Problems, run.Valid, run.ValidDigests, run.InvalidDigests, run.ValidLogs, run.InvalidLogs);
    }

    /// <summary>Every (account, region) with a digest folder: <c>[PREFIX/]AWSLogs/ACCT/CloudTrail-Digest/REGION</c>.</summary>
    private static IEnumerable<(string Account, string Region, string Folder)> Streams(string folder)
    {
        foreach (var accountFolder in AccountFolders(folder))
        {
            var digests = Path.Combine(accountFolder, "CloudTrail-Digest");
            if (!Directory.Exists(digests))
            {
                continue;
            }

            foreach (var regionFolder in Directory.EnumerateDirectories(digests).Order(StringComparer.Ordinal))
            {
                yield return (Path.GetFileName(accountFolder), Path.GetFileName(regionFolder), regionFolder);
            }
        }
    }

    /// <summary>
    /// Every <c>AWSLogs/ACCT</c> folder: at the top, or under the trail's key prefix (the local path of a file is its S3
    /// key, so files written under an earlier prefix are verified too).
    /// </summary>
    private static IEnumerable<string> AccountFolders(string folder)
    {
        var pending = new Stack<string>([folder]);
        var roots = new List<string>();
        while (pending.Count > 0)
        {
            foreach (var child in Directory.EnumerateDirectories(pending.Pop()))
            {
                if (Path.GetFileName(child) == "AWSLogs")
                {
                    roots.Add(child);
                }
                else
                {
                    pending.Push(child);
                }
            }
        }

        return roots.Order(StringComparer.Ordinal).SelectMany(root => Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal));
    }

    private sealed class Run(string folder, Dictionary<string, PublicKeyInfo> keys)
    {
        private readonly HashSet<string> _listedLogs = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _bucketOfAccount = new(StringComparer.Ordinal);

        public List<string> Problems { get; } = [];

        public List<string> Valid { get; } = [];

        public int ValidDigests { get; private set; }

        public int InvalidDigests { get; private set; }

        public int ValidLogs { get; private set; }

        public int InvalidLogs { get; private set; }

        public void WalkChain(string account, string region, string digestFolder, DateTimeOffset from, DateTimeOffset to)
        {
            // Like validate-logs: digests whose key time lies in [from, to + 1 h], oldest first; walk from the newest.
            var candidates = Directory.EnumerateFiles(digestFolder, "*.json.gz", SearchOption.AllDirectories)
                .Select(path => Path.GetRelativePath(folder, path).Replace(Path.DirectorySeparatorChar, '/'))
                .Select(key => (Key: key, Time: TrailKeys.DigestKeyTime(key)))
                .Where(d => d.Time is { } time && time >= from && time <= to.AddHours(1))
                .OrderBy(d => d.Time).ThenBy(d => d.Key, StringComparer.Ordinal)
                .ToList();
            var visited = new HashSet<string>(StringComparer.Ordinal);
            var bucket = (string?)null;
            var (key, keyTime) = Pop(candidates, before: null);
            var lastStart = keyTime;
            while (key is not null && from < lastStart)
            {
                visited.Add(key);
                var outcome = LoadDigest(bucket, key);
                switch (outcome)
                {
                    case Missing:
                        InvalidDigests++;
                        Problem($"Digest file\ts3://{bucket ?? "?"}/{key}\tINVALID: not found");
                        (key, _) = Pop(candidates, before: key);
                        continue;
                    case Invalid invalid:
                        InvalidDigests++;
                        Problem(invalid.Message);
                        (key, _) = Pop(candidates, before: key);
                        continue;
                }

                var digest = (Loaded)outcome;
                bucket = digest.Bucket;
                _bucketOfAccount.TryAdd(account, digest.Bucket);
                ValidDigests++;
                Valid.Add($"Digest file\ts3://{digest.Bucket}/{key}\tvalid");
                foreach (var log in digest.Logs)
                {
                    CheckLog(log.Bucket, log.Key, log.Hash);
                }

                lastStart = digest.Start;
                if (digest.PreviousKey is null)
                {
                    var (next, nextEnd) = Pop(candidates, before: key);
                    if (next is not null)
                    {
                        Problem($"No log files were delivered by CloudTrail between {Display(nextEnd!.Value)} and {Display(digest.Start)}");
                    }

                    key = next;
                }
                else
                {
                    key = digest.PreviousKey;
                }
            }

            // Digests in range the chain never reached (forged or out-of-chain files), when the walk covered their time.
            foreach (var (orphan, time) in candidates.Where(c => !visited.Contains(c.Key) && c.Time > lastStart))
            {
                InvalidDigests++;
                Problem($"Digest file\ts3://{bucket ?? "?"}/{orphan}\tINVALID: not part of the digest chain");
            }
        }

        /// <summary>Log files in range on disk that no valid digest listed: inserted, or listed only by an invalid digest.</summary>
        public void ReportUnlistedLogs(DateTimeOffset from, DateTimeOffset to)
        {
            foreach (var accountFolder in AccountFolders(folder))
            {
                var logFolder = Path.Combine(accountFolder, "CloudTrail");
                if (!Directory.Exists(logFolder))
                {
                    continue;
                }

                foreach (var path in Directory.EnumerateFiles(logFolder, "*.json.gz", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    var key = Path.GetRelativePath(folder, path).Replace(Path.DirectorySeparatorChar, '/');
                    var delivered = TrailKeys.LogKeyTime(key);
                    // Log key times have minute precision: compare the minute the range starts in.
                    if (_listedLogs.Contains(key) || delivered is null || delivered < from.AddSeconds(-from.Second) || delivered > to)
                    {
                        continue;
                    }

                    InvalidLogs++;
                    var bucket = _bucketOfAccount.GetValueOrDefault(Path.GetFileName(accountFolder), "?");
                    Problem($"Log file\ts3://{bucket}/{key}\tINVALID: not listed in any valid digest");
                }
            }
        }

        private void CheckLog(string bucket, string key, string expectedHash)
        {
            _listedLogs.Add(key);
            var path = TrailKeys.PathOf(folder, key);
            if (!File.Exists(path))
            {
                InvalidLogs++;
                Problem($"Log file\ts3://{bucket}/{key}\tINVALID: not found");
                return;
            }

            string reason;
            try
            {
                if (Sha256OfGunzipped(path) == expectedHash)
                {
                    ValidLogs++;
                    Valid.Add($"Log file\ts3://{bucket}/{key}\tvalid");
                    return;
                }

                reason = "hash value doesn't match";
            }
            catch (TrailingDataException)
            {
                reason = "unexpected data after end of compressed stream";
            }
            catch (InvalidDataException)
            {
                reason = "invalid format";
            }

            InvalidLogs++;
            Problem($"Log file\ts3://{bucket}/{key}\tINVALID: {reason}");
        }

        private object LoadDigest(string? expectedBucket, string key)
        {
            var path = TrailKeys.PathOf(folder, key);
            if (!File.Exists(path))
            {
                return new Missing();
            }

            byte[] content;
            JsonDocument document;
            try
            {
                content = Gunzip(path);
                document = JsonDocument.Parse(content);
            }
            catch (Exception e) when (e is InvalidDataException or JsonException or TrailingDataException)
            {
                return new Invalid($"Digest file\ts3://{expectedBucket ?? "?"}/{key}\tINVALID: invalid format");
            }

            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object || RequiredDigestFields.Any(name => !root.TryGetProperty(name, out _)))
                {
                    return new Invalid($"Digest file\ts3://{expectedBucket ?? "?"}/{key}\tINVALID: invalid format");
                }

                var bucket = root.GetProperty("digestS3Bucket").GetString() ?? "";
                var shownBucket = expectedBucket ?? bucket;
                if ((expectedBucket is not null && bucket != expectedBucket) || root.GetProperty("digestS3Object").GetString() != key)
                {
                    return new Invalid($"Digest file\ts3://{shownBucket}/{key}\tINVALID: has been moved from its original location");
                }

                var fingerprint = root.GetProperty("digestPublicKeyFingerprint").GetString() ?? "";
                if (!keys.TryGetValue(fingerprint, out var publicKey))
                {
                    // validate-logs names the trail's home region (from its ARN), which the digest key carries.
                    return new Invalid($"Digest file\ts3://{shownBucket}/{key}\tINVALID: public key not found in region {TrailKeys.DigestKeyHomeRegion(key)} for fingerprint {fingerprint}");
                }

                if (DigestSignature.TryRead(TrailKeys.SignatureFile(path)) is not { } signature || !Verify(publicKey, root, content, signature.Signature))
                {
                    return new Invalid($"Digest file\ts3://{shownBucket}/{key}\tINVALID: signature verification failed");
                }

                try
                {
                    return new Loaded(
                        bucket,
                        DateTimeOffset.Parse(root.GetProperty("digestStartTime").GetString()!, CultureInfo.InvariantCulture),
                        root.TryGetProperty("previousDigestS3Object", out var previous) ? previous.GetString() : null,
                        root.TryGetProperty("logFiles", out var logFiles) && logFiles.ValueKind == JsonValueKind.Array
                            ? [.. logFiles.EnumerateArray().Select(l => (l.GetProperty("s3Bucket").GetString()!, l.GetProperty("s3Object").GetString()!,
                                l.GetProperty("hashValue").GetString()!))]
                            : []);
                }
                catch (Exception e) when (e is FormatException or KeyNotFoundException or InvalidOperationException)
                {
                    return new Invalid($"Digest file\ts3://{shownBucket}/{key}\tINVALID: invalid format");
                }
            }
        }

        private static bool Verify(PublicKeyInfo publicKey, JsonElement root, byte[] content, string signatureHex)
        {
            try
            {
                using var rsa = RSA.Create();
                rsa.ImportRSAPublicKey(publicKey.Value, out _);
                var toSign = DigestFile.StringToSign(root.GetProperty("digestEndTime").GetString()!, root.GetProperty("digestS3Bucket").GetString()!,
                    root.GetProperty("digestS3Object").GetString()!, Convert.ToHexStringLower(SHA256.HashData(content)),
                    root.GetProperty("previousDigestSignature").GetString());
                return rsa.VerifyData(System.Text.Encoding.UTF8.GetBytes(toSign), Convert.FromHexString(signatureHex), HashAlgorithmName.SHA256,
                    RSASignaturePadding.Pkcs1);
            }
            catch (Exception e) when (e is CryptographicException or FormatException or InvalidOperationException)
            {
                return false;
            }
        }

        private void Problem(string message) => Problems.Add(message);

        private static (string? Key, DateTimeOffset? Time) Pop(List<(string Key, DateTimeOffset? Time)> candidates, string? before)
        {
            var beforeTime = before is null ? (DateTimeOffset?)null : TrailKeys.DigestKeyTime(before);
            while (candidates.Count > 0)
            {
                var last = candidates[^1];
                candidates.RemoveAt(candidates.Count - 1);
                if (beforeTime is null || last.Time < beforeTime)
                {
                    return last;
                }
            }

            return (null, null);
        }

        private static string Display(DateTimeOffset time) => CloudTrailTime.Iso(time);
    }

    /// <summary>A single-member gzip file inflated whole (digest files, a few kilobytes).</summary>
    private static byte[] Gunzip(string path)
    {
        using var output = new MemoryStream();
        Inflate(path, bytes => output.Write(bytes));
        return output.ToArray();
    }

    /// <summary>The SHA-256 of a single-member gzip file's inflated bytes, hashed as they are inflated (log files of any size).</summary>
    private static string Sha256OfGunzipped(string path)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Inflate(path, hash.AppendData);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Inflates a single-member gzip file into <paramref name="sink"/>; bytes after the member are an error, as in validate-logs.</summary>
    private static void Inflate(string path, Action<ReadOnlySpan<byte>> sink)
    {
        using var file = File.OpenRead(path);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        long inflated = 0;
        try
        {
            using var gzip = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
            int read;
            while ((read = gzip.Read(buffer)) > 0)
            {
                sink(buffer.AsSpan(0, read));
                inflated += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        // .NET inflates concatenated members as one stream. A single member ends with ISIZE, the inflated length
        // modulo 2^32; after a second member or appended bytes, the file's last four bytes are something else.
        Span<byte> size = stackalloc byte[4];
        if (file.Length < 4 || RandomAccess.Read(file.SafeFileHandle, size, file.Length - 4) != 4
            || BinaryPrimitives.ReadUInt32LittleEndian(size) != (uint)inflated)
        {
            throw new TrailingDataException();
        }
    }

    private sealed class TrailingDataException : Exception;

    private sealed record Missing;

    private sealed record Invalid(string Message);

    private sealed record Loaded(string Bucket, DateTimeOffset Start, string? PreviousKey, IReadOnlyList<(string Bucket, string Key, string Hash)> Logs);
}
