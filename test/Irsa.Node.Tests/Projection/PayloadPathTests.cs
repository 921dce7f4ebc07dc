using Irsa.Node.Projection;

namespace Irsa.Node.Tests.Projection;

public sealed class PayloadPathTests
{
    [Theory]
    [InlineData("token")]
    [InlineData("a/b/c")]
    [InlineData("x/..y")]
    [InlineData("x..y")]
    [InlineData(".hidden")]
    public void Validate_AcceptsRelativePaths(string path) => PayloadPath.Validate(path);

    [Theory]
    [InlineData("")]
    [InlineData("/etc/passwd")]
    [InlineData("..")]
    [InlineData("a/../b")]
    [InlineData("a/..")]
    [InlineData("..data")]
    [InlineData("..2025_01_01_00_00_00.1/token")]
    [InlineData("a//b")]
    [InlineData("./a")]
    [InlineData("a\0b")]
    public void Validate_RejectsInvalidPaths(string path) =>
        Assert.Throws<ArgumentException>(() => PayloadPath.Validate(path));

    [Fact]
    public void Validate_RejectsOverlongElement()
    {
        PayloadPath.Validate(new string('a', 255));
        Assert.Throws<ArgumentException>(() => PayloadPath.Validate(new string('a', 256)));
    }

    [Fact]
    public void Validate_RejectsOverlongPath()
    {
        var element = new string('a', 127);
        var fits = string.Join('/', Enumerable.Repeat(element, 32)); // 32*127 + 31 = 4095
        PayloadPath.Validate(fits);
        Assert.Throws<ArgumentException>(() => PayloadPath.Validate(fits + "/ab"));
    }
}
