using Irsa.Storage.Caching;

namespace Irsa.Storage.Tests;

/// <summary>The behaviour every <see cref="IDocumentStore"/> backend must show; one subclass per backend.</summary>
public abstract class DocumentStoreContract
{
    protected abstract Task<IDocumentStore> OpenAsync();

    [Fact]
    public async Task Put_then_get_round_trips_verbatim_json()
    {
        await using var store = await OpenAsync();
        const string json = "{ \"b\":1,  \"a\":\"\\u00e9 ü\" }";
        await store.TransactAsync(s => s.PutAsync("roles", "r1", json));

        var document = await store.GetAsync("roles", "r1");

        Assert.NotNull(document);
        Assert.Equal(json, document.Json);
        Assert.Equal(1, document.Version);
    }

    [Fact]
    public async Task A_typed_view_follows_every_committed_write()
    {
        await using var store = await OpenAsync();
        await store.TransactAsync(s => s.PutAsync("roles", "r1", "{\"v\":1}"));
        var views = new DocumentViews<Versioned>(store, "roles");
        Assert.Equal(1, (await views.GetAsync("r1"))?.V);
        Assert.Equal(1, (await views.GetAsync("r1"))?.V);

        await store.TransactAsync(s => s.PutAsync("roles", "r1", "{\"v\":2}"));
        Assert.Equal(2, (await views.GetAsync("r1"))?.V);

        await store.TransactAsync(s => s.DeleteAsync("roles", "r1"));
        Assert.Null(await views.GetAsync("r1"));
        Assert.Null(await views.GetAsync("r2"));
    }

    [Fact]
    public async Task A_committed_write_is_what_the_next_read_sees_even_after_reads_were_served()
    {
        await using var store = await OpenAsync();
        await store.TransactAsync(s => s.PutAsync("roles", "r1", "{\"v\":1}"));
        Assert.Equal("{\"v\":1}", (await store.GetAsync("roles", "r1"))!.Json);
        Assert.Single(await store.ListAsync("roles"));
        Assert.Null(await store.GetAsync("roles", "r2"));

        await store.TransactAsync(async s =>
        {
            await s.PutAsync("roles", "r1", "{\"v\":2}");
            return await s.PutAsync("roles", "r2", "{}");
        });

        Assert.Equal("{\"v\":2}", (await store.GetAsync("roles", "r1"))!.Json);
        Assert.NotNull(await store.GetAsync("roles", "r2"));
        Assert.Equal(["r1", "r2"], (await store.ListAsync("roles")).Select(d => d.Key));

        await store.TransactAsync(s => s.DeleteAsync("roles", "r1"));
        Assert.Null(await store.GetAsync("roles", "r1"));
        Assert.Equal(["r2"], (await store.ListAsync("roles")).Select(d => d.Key));
    }

    [Fact]
    public async Task Reads_racing_writes_never_answer_older_than_a_write_that_returned()
    {
        await using var store = await OpenAsync();
        await store.TransactAsync(s => s.PutAsync("counters", "c", "0"));
        using var stop = new CancellationTokenSource();
        // Readers keep the document's old versions in flight while the writer commits new ones.
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await store.GetAsync("counters", "c");
                await store.ListAsync("counters");
            }
        })).ToArray();

        for (var i = 1; i <= 50; i++)
        {
            var written = await store.TransactAsync(s => s.PutAsync("counters", "c", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.True((await store.GetAsync("counters", "c"))!.Version >= written);
            Assert.True(Assert.Single(await store.ListAsync("counters")).Version >= written);
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers);
    }

    [Fact]
    public async Task A_listed_page_cannot_be_changed_through_the_list_a_caller_was_given()
    {
        await using var store = await OpenAsync();
        await store.TransactAsync(s => s.PutAsync("roles", "r1", "{}"));

        if (await store.ListAsync("roles") is List<StoredDocument> mutable)
        {
            mutable.Clear();
        }

        Assert.Single(await store.ListAsync("roles"));
        Assert.Single(await store.ListAsync("roles"));
    }

    [Fact]
    public async Task Expected_version_zero_refuses_to_overwrite_and_changes_nothing()
    {
        await using var store = await OpenAsync();
        await store.TransactAsync(s => s.PutAsync("roles", "r1", "{\"v\":1}", expectedVersion: 0));

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            store.TransactAsync(s => s.PutAsync("roles", "r1", "{\"v\":2}", expectedVersion: 0)));

        Assert.Equal("{\"v\":1}", (await store.GetAsync("roles", "r1"))!.Json);
    }

    [Fact]
    public async Task A_failed_transaction_rolls_back_every_write()
    {
        await using var store = await OpenAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.TransactAsync(async s =>
        {
            await s.PutAsync("roles", "a", "{}");
            await s.PutAsync("roles", "b", "{}");
            throw new InvalidOperationException("abort");
        }));

        Assert.Empty(await store.ListAsync("roles"));
    }

    [Fact]
    public async Task List_filters_by_prefix_in_ordinal_key_order_with_paging()
    {
        await using var store = await OpenAsync();
        await store.TransactAsync(async s =>
        {
            foreach (var key in new[] { "acct1/b", "acct1/a", "acct1/C", "acct2/a", "acct1" })
            {
                await s.PutAsync("roles", key, "{}");
            }
        });

        var all = await store.ListAsync("roles", "acct1/");
        var page = await store.ListAsync("roles", "acct1/", afterKey: "acct1/C", limit: 1);

        Assert.Equal(["acct1/C", "acct1/a", "acct1/b"], all.Select(d => d.Key));
        Assert.Equal(["acct1/a"], page.Select(d => d.Key));
    }

    [Fact]
    public async Task Concurrent_increments_never_lose_an_update()
    {
        await using var store = await OpenAsync();
        await store.TransactAsync(s => s.PutAsync("counters", "c", "0"));

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => store.TransactAsync(async s =>
        {
            var current = await s.GetAsync("counters", "c");
            await s.PutAsync("counters", "c", (int.Parse(current!.Json, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), current.Version);
        }))));

        Assert.Equal("20", (await store.GetAsync("counters", "c"))!.Json);
    }

    [Fact]
    public async Task Delete_reports_whether_the_document_existed()
    {
        await using var store = await OpenAsync();
        await store.TransactAsync(s => s.PutAsync("roles", "r", "{}"));

        Assert.True(await store.TransactAsync(s => s.DeleteAsync("roles", "r")));
        Assert.False(await store.TransactAsync(s => s.DeleteAsync("roles", "r")));
        Assert.Null(await store.GetAsync("roles", "r"));
    }

    /// <summary>A stored shape for the typed-view test.</summary>
    public sealed record Versioned(int V);
}
