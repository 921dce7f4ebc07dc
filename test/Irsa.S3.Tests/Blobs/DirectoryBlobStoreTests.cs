using Irsa.S3.Blobs;

namespace Irsa.S3.Tests.Blobs;

public sealed class DirectoryBlobStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "irsa-blobs-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Committed_blobs_read_back_by_range_and_aborted_ones_leave_nothing()
    {
        var store = new DirectoryBlobStore(_root);
        string id;
        await using (var writer = store.BeginWrite())
        {
            await writer.Content.WriteAsync("0123456789"u8.ToArray());
            id = await writer.CommitAsync(CancellationToken.None);
        }

        await using (var aborted = store.BeginWrite())
        {
            await aborted.Content.WriteAsync("discarded"u8.ToArray());
        }

        Assert.Equal(10, store.GetSize(id));
        using var reader = new StreamReader(store.OpenRead(id, 3, 4));
        Assert.Equal("3456", await reader.ReadToEndAsync());
        Assert.Single(Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories));
        store.Delete(id);
        store.Delete(id);
        Assert.Empty(Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Temporary_files_left_by_a_crash_are_removed_on_open()
    {
        var store = new DirectoryBlobStore(_root);
        var crashed = store.BeginWrite();
        await crashed.Content.WriteAsync(new byte[100]);
        await crashed.Content.FlushAsync();
        Assert.Single(Directory.EnumerateFiles(Path.Combine(_root, "tmp")));
        await crashed.DisposeAsync();
        File.WriteAllBytes(Path.Combine(_root, "tmp", "leftover"), [1]);
        _ = new DirectoryBlobStore(_root);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_root, "tmp")));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("0123456789abcdef0123456789ABCDEF")]
    [InlineData("short")]
    public void Ids_that_the_store_did_not_issue_are_refused(string id)
    {
        var store = new DirectoryBlobStore(_root);
        Assert.Throws<ArgumentException>(() => store.OpenRead(id));
        Assert.Throws<ArgumentException>(() => store.Delete(id));
    }
}
