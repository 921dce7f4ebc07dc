using System.Text;
using Irsa.Node.Projection;
using Irsa.Node.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;
using static Irsa.Node.Tests.TestSupport.Modes;

namespace Irsa.Node.Tests.Projection;

public sealed class AtomicWriterConcurrencyTests(ITestOutputHelper output)
{
    private const int Swaps = 400;
    private const int FileSize = 64 * 1024;

    /// <summary>Each generation fills both files with one repeated letter, so a torn or mixed read shows.</summary>
    private static Dictionary<string, FileProjection> Generation(int generation)
    {
        var letter = (byte)('A' + (generation % 26));
        var token = new byte[FileSize];
        Array.Fill(token, letter);
        return new Dictionary<string, FileProjection>
        {
            ["token"] = new(token, M0644),
            ["generation"] = new(Encoding.ASCII.GetBytes(((char)letter).ToString()), M0644),
        };
    }

    [Fact]
    public void ConcurrentReader_NeverSeesPartialEmptyOrMixedContent()
    {
        using var temp = new TempDirectory();
        var writer = new AtomicWriter(temp.Path, new FakeTimeProvider());
        writer.Write(Generation(0));

        var failures = new List<string>();
        var goodReads = 0;
        var retries = 0;
        var writerDone = 0;
        using var readerStarted = new ManualResetEventSlim();

        void CheckOnce()
        {
            try
            {
                // 1. Through the user-visible link: always one whole generation.
                var token = File.ReadAllBytes(temp.Combine("token"));
                if (token.Length != FileSize || token.Any(b => b != token[0]))
                {
                    failures.Add($"torn token: length {token.Length}");
                    return;
                }

                // 2. Through one resolved ..data: both files from the same generation.
                var directory = new FileInfo(temp.Combine(AtomicWriter.DataDirectoryName)).LinkTarget!;
                var tokenInSnapshot = File.ReadAllBytes(temp.Combine(directory, "token"));
                var generation = File.ReadAllText(temp.Combine(directory, "generation"));
                if (tokenInSnapshot.Length != FileSize || generation.Length != 1 || tokenInSnapshot.Any(b => b != generation[0]))
                {
                    failures.Add($"mixed snapshot: generation '{generation}', token length {tokenInSnapshot.Length}");
                    return;
                }

                goodReads++;
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                // The old directory was deleted between resolving the path and opening the file:
                // readers retry; they never get bad bytes.
                retries++;
            }
        }

        var reader = new Thread(() =>
        {
            readerStarted.Set();
            while (Volatile.Read(ref writerDone) == 0 && failures.Count == 0)
            {
                CheckOnce();
            }

            CheckOnce(); // at least one read after the last swap
        });
        reader.Start();
        readerStarted.Wait();

        for (var i = 1; i <= Swaps; i++)
        {
            Assert.True(writer.Write(Generation(i)));
        }

        Volatile.Write(ref writerDone, 1);
        reader.Join();

        output.WriteLine($"{goodReads} complete reads, {retries} not-found retries over {Swaps} swaps");
        Assert.Empty(failures);
        Assert.True(goodReads > 0, $"reader made no complete read ({retries} retries)");
        // Only the live timestamped directory survives the swaps.
        Assert.Single(Directory.GetDirectories(temp.Path, "..20*"));
    }
}
