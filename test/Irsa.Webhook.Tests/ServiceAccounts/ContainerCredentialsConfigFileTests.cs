using System.Text.Json;

namespace Irsa.Webhook.Tests.ServiceAccounts;

public sealed class ContainerCredentialsConfigFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("irsa-webhook-cc-").FullName;

    private string FilePath => Path.Combine(_dir, "identities.json");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Parse_ExactPairs_CaseInsensitiveFieldNames()
    {
        var set = ContainerCredentialsIdentitySet.Parse("""{"identities":[{"namespace":"ns","serviceAccount":"sa"},{"Namespace":"x","ServiceAccount":"y"}]}"""u8);
        Assert.True(set.Contains("ns", "sa"));
        Assert.True(set.Contains("x", "y"));
        Assert.False(set.Contains("ns", "SA"));
        Assert.False(set.Contains("*", "sa"));
    }

    [Fact]
    public void Parse_EmptyMeansNone_BadJsonThrows()
    {
        Assert.Equal(0, ContainerCredentialsIdentitySet.Parse(""u8).Count);
        Assert.Equal(0, ContainerCredentialsIdentitySet.Parse("{}"u8).Count);
        Assert.ThrowsAny<JsonException>(() => ContainerCredentialsIdentitySet.Parse("{"u8));
    }

    [Fact]
    public void Reload_MissingFileClears_InvalidJsonKeepsPrevious()
    {
        using var file = new ContainerCredentialsConfigFile(FilePath);
        File.WriteAllText(FilePath, """{"identities":[{"namespace":"ns","serviceAccount":"sa"}]}""");
        Assert.True(file.Reload());
        Assert.True(file.Contains("ns", "sa"));

        File.WriteAllText(FilePath, "{not json");
        Exception? failure = null;
        file.LoadFailed += (_, e) => failure = e;
        Assert.False(file.Reload());
        Assert.NotNull(failure);
        Assert.True(file.Contains("ns", "sa"));

        File.Delete(FilePath);
        Assert.True(file.Reload());
        Assert.False(file.Contains("ns", "sa"));
    }

    [Fact]
    public async Task Start_ReloadsWhenTheFileChanges()
    {
        File.WriteAllText(FilePath, "");
        using var file = new ContainerCredentialsConfigFile(FilePath);
        file.Start();
        Assert.False(file.Contains("ns", "sa"));

        File.WriteAllText(FilePath, """{"identities":[{"namespace":"ns","serviceAccount":"sa"}]}""");
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(10);
        while (!file.Contains("ns", "sa") && TimeProvider.System.GetUtcNow() < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(file.Contains("ns", "sa"));
    }
}
