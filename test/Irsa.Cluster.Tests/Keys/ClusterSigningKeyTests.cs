using System.Security.Cryptography;
using System.Text;
using Irsa.Cluster.Keys;

namespace Irsa.Cluster.Tests.Keys;

public sealed class ClusterSigningKeyTests
{
    [Fact]
    public void KeyId_MatchesKubernetesVector_ForRsa()
    {
        using var key = TestKeys.RsaPublic();

        Assert.Equal(TestKeys.RsaKeyId, key.KeyId);
        Assert.Equal(SigningAlgorithm.RS256, key.Algorithm);
        Assert.False(key.HasPrivateKey);
    }

    [Fact]
    public void KeyId_MatchesKubernetesVector_ForEc()
    {
        using var key = TestKeys.EcPublic();

        Assert.Equal(TestKeys.EcKeyId, key.KeyId);
        Assert.Equal(SigningAlgorithm.ES256, key.Algorithm);
    }

    [Fact]
    public void HeaderForRsaVectorKey_EncodesAsSpecified()
    {
        var header = Encoding.UTF8.GetBytes("{\"alg\":\"RS256\",\"kid\":\"" + TestKeys.RsaKeyId + "\"}");

        Assert.Equal(
            "eyJhbGciOiJSUzI1NiIsImtpZCI6IkpISmVoVFRUWmxzc3BLSFQtR2FKeEs3S2QxTlFnWkp1M2Z5SzZLX1FEWVUifQ",
            System.Buffers.Text.Base64Url.EncodeToString(header));
    }

    [Theory]
    [InlineData(SigningAlgorithm.RS256, 256)]
    [InlineData(SigningAlgorithm.ES256, 64)]
    [InlineData(SigningAlgorithm.ES384, 96)]
    [InlineData(SigningAlgorithm.ES512, 132)]
    public void Generate_SignsInJwsForm_AndRoundTripsThroughPkcs8(SigningAlgorithm algorithm, int signatureSize)
    {
        using var key = ClusterSigningKey.Generate(algorithm);
        var data = "header.payload"u8.ToArray();

        var signature = key.Sign(data);
        using var imported = ClusterSigningKey.ImportPkcs8(key.ExportPkcs8PrivateKey());
        using var publicOnly = ClusterSigningKey.ImportSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo());

        Assert.Equal(algorithm, key.Algorithm);
        Assert.Equal(signatureSize, signature.Length);
        Assert.Equal(43, key.KeyId.Length);
        Assert.Equal(key.KeyId, imported.KeyId);
        Assert.Equal(key.KeyId, publicOnly.KeyId);
        Assert.True(imported.HasPrivateKey);
        Assert.True(publicOnly.Verify(data, signature));
        Assert.True(imported.Verify(data, imported.Sign(data)));
        Assert.False(publicOnly.Verify("header.other"u8, signature));
    }

    [Fact]
    public void PublicOnlyKey_CannotSignOrExportPrivate()
    {
        using var key = TestKeys.EcPublic();

        Assert.Throws<InvalidOperationException>(() => key.Sign("x"u8));
        Assert.Throws<InvalidOperationException>(() => key.ExportPkcs8PrivateKey());
    }

    [Fact]
    public void Import_RejectsUnsupportedKeys()
    {
        using var small = RSA.Create(1024);
        using var ed = ECDsa.Create(ECCurve.NamedCurves.brainpoolP256r1);

        Assert.Throws<CryptographicException>(() => ClusterSigningKey.ImportPkcs8(small.ExportPkcs8PrivateKey()));
        Assert.ThrowsAny<CryptographicException>(() => ClusterSigningKey.ImportPkcs8(ed.ExportPkcs8PrivateKey()));
        Assert.ThrowsAny<CryptographicException>(() => ClusterSigningKey.ImportPkcs8([1, 2, 3]));
    }

    [Fact]
    public void Jwk_HasGoJoseMemberOrder_AndNoPrivateMaterial()
    {
        using var key = ClusterSigningKey.Generate(SigningAlgorithm.ES384);

        var jwk = Encoding.UTF8.GetString(key.ToJwk());

        Assert.StartsWith("{\"use\":\"sig\",\"kty\":\"EC\",\"kid\":\"" + key.KeyId + "\",\"crv\":\"P-384\",\"alg\":\"ES384\",\"x\":\"", jwk, StringComparison.Ordinal);
        Assert.DoesNotContain("\"d\"", jwk, StringComparison.Ordinal);
    }
}
