using System.Buffers;
using System.Text;
using System.Xml;
using Irsa.Core.Aws;
using Irsa.Core.Buffers;

namespace Irsa.Core.Query;

/// <summary>Writes awsQuery response documents: <c>{Op}Response/{Op}Result</c> + <c>ResponseMetadata</c>, and <c>ErrorResponse</c>.</summary>
public static class QueryXml
{
    // Each thread's document buffer: a document is written whole, with no await, before the next one on the thread.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? s_buffer;

    /// <summary>Renders a success document; <paramref name="writeResult"/> writes the members inside <c>{Op}Result</c>, or null for operations without output.</summary>
    public static byte[] Success(string operation, string xmlNamespace, string requestId, Action<XmlWriter>? writeResult) =>
        Document(xml =>
        {
            xml.WriteStartElement(operation + "Response", xmlNamespace);
            if (writeResult is not null)
            {
                xml.WriteStartElement(operation + "Result");
                writeResult(xml);
                xml.WriteEndElement();
            }

            xml.WriteStartElement("ResponseMetadata");
            xml.WriteElementString("RequestId", requestId);
            xml.WriteEndElement();
            xml.WriteEndElement();
        });

    /// <summary>Renders <c>ErrorResponse/Error/{Type,Code,Message}</c> + <c>RequestId</c> (not moto's <c>Errors</c> wrapper: JS v3 reads <c>Error.Code</c>).</summary>
    public static byte[] Error(string xmlNamespace, AwsError error, string requestId) =>
        Document(xml =>
        {
            xml.WriteStartElement("ErrorResponse", xmlNamespace);
            xml.WriteStartElement("Error");
            xml.WriteElementString("Type", error.Type);
            xml.WriteElementString("Code", error.Code);
            // Messages echo the caller's input; a character XML cannot carry would make the writer throw (and the client get a 500).
            xml.WriteElementString("Message", XmlSafe(error.Message));
            xml.WriteEndElement();
            xml.WriteElementString("RequestId", requestId);
            xml.WriteEndElement();
        });

    private static byte[] Document(Action<XmlWriter> write)
    {
        var buffer = ThreadBuffer.Take(ref s_buffer);
        using (var xml = new QueryXmlWriter(buffer))
        {
            write(xml);
        }

        var document = buffer.WrittenSpan.ToArray();
        ThreadBuffer.Trim(ref s_buffer);
        return document;
    }

    /// <summary>The text with every character XML 1.0 cannot carry (controls, lone surrogates) replaced by U+FFFD.</summary>
    public static string XmlSafe(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.AsSpan().IndexOfAnyInRange('\u0000', '\u001F') < 0 && text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0
            && text.AsSpan().IndexOfAnyInRange('\uFFFE', '\uFFFF') < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]))
            {
                builder.Append(text, i, 2);
                i++;
            }
            else
            {
                builder.Append(XmlConvert.IsXmlChar(text[i]) ? text[i] : '\uFFFD');
            }
        }

        return builder.ToString();
    }

    /// <summary>ISO 8601 UTC with <c>Z</c> and whole seconds, which every SDK's strict parser accepts.</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Writes <c>&lt;name&gt;&lt;member&gt;v&lt;/member&gt;...&lt;/name&gt;</c>.</summary>
    public static void WriteList(this XmlWriter xml, string name, IEnumerable<string> values)
    {
        xml.WriteStartElement(name);
        foreach (var value in values)
        {
            xml.WriteElementString("member", value);
        }

        xml.WriteEndElement();
    }

    /// <summary>Writes an element only when the value is present (optional members are omitted, not empty).</summary>
    public static void WriteOptional(this XmlWriter xml, string name, string? value)
    {
        if (value is not null)
        {
            xml.WriteElementString(name, value);
        }
    }
}
