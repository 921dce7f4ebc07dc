namespace Irsa.S3.Integrity;

/// <summary>The flexible checksums S3 accepts from default SDKs.</summary>
public enum ChecksumAlgorithm
{
    Crc32,
    Crc32C,
    Crc64Nvme,
    Sha1,
    Sha256,
}

/// <summary>How a multipart object's checksum covers it.</summary>
public enum ChecksumType
{
    FullObject,
    Composite,
}

/// <summary>The wire spellings of each algorithm: header, XML element, algorithm name and digest size.</summary>
public static class ChecksumNames
{
    public static IReadOnlyList<ChecksumAlgorithm> All { get; } = Enum.GetValues<ChecksumAlgorithm>();

    /// <summary>The upper-case name used by <c>x-amz-checksum-algorithm</c> and in messages: <c>CRC32</c>, <c>SHA256</c>.</summary>
    public static string Name(ChecksumAlgorithm algorithm) => algorithm switch
    {
        ChecksumAlgorithm.Crc32 => "CRC32",
        ChecksumAlgorithm.Crc32C => "CRC32C",
        ChecksumAlgorithm.Crc64Nvme => "CRC64NVME",
        ChecksumAlgorithm.Sha1 => "SHA1",
        _ => "SHA256",
    };

    /// <summary><c>x-amz-checksum-crc32</c> and so on.</summary>
    public static string HeaderName(ChecksumAlgorithm algorithm) => "x-amz-checksum-" + Name(algorithm).ToLowerInvariant();

    /// <summary><c>ChecksumCRC32</c> and so on, in XML bodies.</summary>
    public static string ElementName(ChecksumAlgorithm algorithm) => "Checksum" + Name(algorithm);

    public static int DigestSize(ChecksumAlgorithm algorithm) => algorithm switch
    {
        ChecksumAlgorithm.Crc32 or ChecksumAlgorithm.Crc32C => 4,
        ChecksumAlgorithm.Crc64Nvme => 8,
        ChecksumAlgorithm.Sha1 => 20,
        _ => 32,
    };

    public static bool TryParse(string? name, out ChecksumAlgorithm algorithm)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(Name(candidate), name?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                algorithm = candidate;
                return true;
            }
        }

        algorithm = default;
        return false;
    }

    /// <summary>The algorithm a header or trailer name such as <c>x-amz-checksum-crc32c</c> carries.</summary>
    public static bool TryParseHeaderName(string headerName, out ChecksumAlgorithm algorithm)
    {
        const string prefix = "x-amz-checksum-";
        algorithm = default;
        return headerName.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            && TryParse(headerName[prefix.Length..], out algorithm);
    }

    public static string TypeName(ChecksumType type) => type == ChecksumType.FullObject ? "FULL_OBJECT" : "COMPOSITE";

    public static bool TryParseType(string? name, out ChecksumType type)
    {
        type = default;
        switch (name?.Trim().ToUpperInvariant())
        {
            case "FULL_OBJECT":
                type = ChecksumType.FullObject;
                return true;
            case "COMPOSITE":
                type = ChecksumType.Composite;
                return true;
            default:
                return false;
        }
    }

    /// <summary>The base64 digest, or null when <paramref name="value"/> is not a well-formed digest of this algorithm.</summary>
    public static byte[]? TryDecode(ChecksumAlgorithm algorithm, string value)
    {
        var buffer = new byte[DigestSize(algorithm)];
        return Convert.TryFromBase64String(value.Trim(), buffer, out var written) && written == buffer.Length ? buffer : null;
    }
}
