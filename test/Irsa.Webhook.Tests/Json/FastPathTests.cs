using System.Text;
using System.Text.Json;
using Irsa.Core.Json;
using static Irsa.Webhook.Tests.TestPods;

namespace Irsa.Webhook.Tests.Json;

/// <summary>
/// Pins the shortcuts of the hot path (bulk string copies, reused buffers, base64 written in place, one parse of
/// the review) to the bytes of the straightforward way of doing the same thing.
/// </summary>
public sealed class FastPathTests
{
    [Theory]
    [InlineData("")]
    [InlineData("plain-ascii_with.punctuation:/?#[]@!$'()*+,;=%~`^|{}")]
    [InlineData("run then <escape> then run & more")]
    [InlineData("\u007f del stays raw")]
    [InlineData("tab\there\nnewline \"quoted\" back\\slash")]
    [InlineData("caf\u00e9 \ud83d\ude00 \u2028\u2029 end")]
    [InlineData("lone \ud800 high, lone \udfff low")]
    public void String_IsEscapedLikeCharacterByCharacter(string value)
    {
        var w = new GoJsonWriter(16);
        w.String(value);
        Assert.Equal(ReferenceEscape(value), Encoding.UTF8.GetString(w.WrittenSpan));
    }

    [Fact]
    public void LongStrings_GrowTheBuffer_AndKeepEveryByte()
    {
        var value = string.Concat(Enumerable.Repeat("abc<def>\u00e9", 5000));
        var w = new GoJsonWriter(16);
        w.StartArray();
        w.String(value);
        w.String(value);
        w.EndArray();
        Assert.Equal("[" + ReferenceEscape(value) + "," + ReferenceEscape(value) + "]", Encoding.UTF8.GetString(w.WrittenSpan));
    }

    [Fact]
    public async Task ResponsePatch_IsStandardBase64OfThePatch()
    {
        var handler = new AdmissionHandler(new PodMutator(new WebhookOptions()), StoreWithSa());
        var response = await handler.HandleAsync("application/json", Review("""{"spec":{"serviceAccountName":"sa","containers":[{"name":"a"}]}}"""));
        using var doc = JsonDocument.Parse(response.Body);
        var patch = doc.RootElement.GetProperty("response").GetProperty("patch").GetString()!;
        var expected = new PodMutator(new WebhookOptions()).Mutate(FromJson("""{"spec":{"serviceAccountName":"sa","containers":[{"name":"a"}]}}"""), Sa(), false).Patch!;
        Assert.Equal(Convert.ToBase64String(expected), patch);
    }

    [Fact]
    public async Task BigAndSmallReviews_Alternating_GiveTheSameBytesEachTime()
    {
        // The patch and response writers are reused per thread; a big pod (buffer grows past what is kept) and
        // a small one must not leak bytes into each other.
        var handler = new AdmissionHandler(new PodMutator(new WebhookOptions()), StoreWithSa());
        var big = Review("{\"spec\":{\"serviceAccountName\":\"sa\",\"containers\":[" + string.Join(",", Enumerable.Range(0, 40).Select(i =>
            "{\"name\":\"c" + i + "\",\"image\":\"" + new string('x', 2000) + "\"}")) + "]}}");
        var small = Review("""{"spec":{"serviceAccountName":"sa","containers":[{"name":"a"}]}}""");
        var bigFirst = (await handler.HandleAsync("application/json", big)).Body;
        var smallFirst = (await handler.HandleAsync("application/json", small)).Body;
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(bigFirst, (await handler.HandleAsync("application/json", big)).Body);
            Assert.Equal(smallFirst, (await handler.HandleAsync("application/json", small)).Body);
        }

        Assert.True(bigFirst.Length > 64 * 1024);
    }

    [Theory]
    [InlineData(" \r\n\t")]
    [InlineData("")]
    public async Task SurroundingWhitespace_IsIgnored(string padding)
    {
        var handler = new AdmissionHandler(new PodMutator(new WebhookOptions()), StoreWithSa());
        var review = Review("""{"spec":{"serviceAccountName":"sa","containers":[{"name":"a"}]}}""");
        var padded = Encoding.UTF8.GetBytes(padding + Encoding.UTF8.GetString(review) + padding);
        Assert.Equal((await handler.HandleAsync("application/json", review)).Body, (await handler.HandleAsync("application/json", padded)).Body);
    }

    private static InMemoryServiceAccountStore StoreWithSa()
    {
        var store = new InMemoryServiceAccountStore();
        store.Set("default", "sa", Sa());
        return store;
    }

    /// <summary>Go's encoding/json string escaping, one character at a time (the writer's previous algorithm).</summary>
    private static string ReferenceEscape(string value)
    {
        var sb = new StringBuilder("\"");
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); continue;
                case '\\': sb.Append("\\\\"); continue;
                case '\n': sb.Append("\\n"); continue;
                case '\r': sb.Append("\\r"); continue;
                case '\t': sb.Append("\\t"); continue;
                case '\b': sb.Append("\\b"); continue;
                case '\f': sb.Append("\\f"); continue;
                case '\u2028': sb.Append("\\u2028"); continue;
                case '\u2029': sb.Append("\\u2029"); continue;
            }

            if (c < 0x20 || c is '<' or '>' or '&')
            {
                sb.Append("\\u00").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                sb.Append(c).Append(value[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                sb.Append("\\ufffd");
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.Append('"').ToString();
    }
}
