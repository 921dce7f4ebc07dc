using Irsa.Cluster.Keys;

namespace Irsa.Cluster.Tests;

/// <summary>The public keys from Kubernetes' keyid/openidmetadata tests, with their expected kids.</summary>
internal static class TestKeys
{
    public const string RsaPublicKeyBase64 =
        "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA249XwEo9k4tM8fMxV7zx" +
        "OhcrP+WvXn917koM5Qr2ZXs4vo26e4ytdlrV0bQ9SlcLpQVSYjIxNfhTZdDt+ecI" +
        "zshKuv1gKIxbbLQMOuK1eA/4HALyEkFgmS/tleLJrhc65tKPMGD+pKQ/xhmzRuCG" +
        "51RoiMgbQxaCyYxGfNLpLAZK9L0Tctv9a0mJmGIYnIOQM4kC1A1I1n3EsXMWmeJU" +
        "j7OTh/AjjCnMnkgvKT2tpKxYQ59PgDgU8Ssc7RDSmSkLxnrv+OrN80j6xrw0OjEi" +
        "B4Ycr0PqfzZcvy8efTtFQ/Jnc4Bp1zUtFXt7+QeevePtQ2EcyELXE0i63T1CujRM" +
        "WwIDAQAB";

    public const string RsaKeyId = "JHJehTTTZlsspKHT-GaJxK7Kd1NQgZJu3fyK6K_QDYU";

    public const string EcPublicKeyBase64 =
        "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEH6cuzP8XuD5wal6wf9M6xDljTOPL" +
        "X2i8uIp/C/ASqiIGUeeKQtX0/IR3qCXyThP/dbCiHrF3v1cuhBOHY8CLVg==";

    public const string EcKeyId = "SoABiieYuNx4UdqYvZRVeuC6SihxgLrhLy9peHMHpTc";

    private static readonly Lazy<ClusterSigningKey> SharedRsaKey = new(() => ClusterSigningKey.Generate(SigningAlgorithm.RS256));

    /// <summary>One RSA private key for the whole run (RSA generation is slow); never dispose it.</summary>
    public static ClusterSigningKey SharedRsa => SharedRsaKey.Value;

    public static ClusterSigningKey RsaPublic() =>
        ClusterSigningKey.ImportSubjectPublicKeyInfo(Convert.FromBase64String(RsaPublicKeyBase64));

    public static ClusterSigningKey EcPublic() =>
        ClusterSigningKey.ImportSubjectPublicKeyInfo(Convert.FromBase64String(EcPublicKeyBase64));
}
