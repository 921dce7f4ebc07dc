using System.Text;
using System.Xml;
using Irsa.Core.Aws;
using Irsa.Core.Query;

namespace Irsa.Core.Tests.Query;

/// <summary>awsQuery documents are the bytes <c>XmlWriter.Create</c> writes with the same settings, whatever the text.</summary>
public class QueryXmlTests
{
    private const string Namespace = "https://sts.amazonaws.com/doc/2011-06-15/";

    private static readonly XmlWriterSettings Settings = new() { Encoding = new UTF8Encoding(false), OmitXmlDeclaration = false, Indent = false };

    // Markup, quotes, every kind of line break, tab, non-ASCII in two, three and four UTF-8 bytes, and CDATA's end.
    private static readonly string[] Pieces =
        ["a", "Z", "0", " ", "<", ">", "&", "\"", "'", "\r", "\n", "\r\n", "\n\r", "\t", "é", "€", "😀", "]]>", "&amp;", ""];

    [Fact]
    public void Success_documents_are_byte_for_byte_those_of_XmlWriter()
    {
        var random = new Random(20261203);
        for (var i = 0; i < 500; i++)
        {
            var texts = Enumerable.Range(0, 6).Select(_ => Text(random)).ToArray();
            void Result(XmlWriter xml)
            {
                xml.WriteElementString("Plain", texts[0]);
                xml.WriteElementString("Empty", "");
                xml.WriteStartElement("Nested");
                xml.WriteStartElement("Inner", Namespace); // the namespace in scope: not declared again
                xml.WriteString(texts[1]);
                xml.WriteEndElement();
                xml.WriteStartElement("Other", "urn:other\"<&>");
                xml.WriteElementString("Deep", texts[2]);
                xml.WriteEndElement();
                xml.WriteStartElement("NoContent");
                xml.WriteEndElement();
                xml.WriteStartElement("EmptyText");
                xml.WriteString("");
                xml.WriteEndElement();
                xml.WriteStartElement("Full");
                xml.WriteFullEndElement();
                xml.WriteEndElement();
                xml.WriteList("Members", texts[3..]);
                xml.WriteOptional("Absent", null);
                xml.WriteOptional("Present", texts[5]);
            }

            Assert.Equal(WithXmlWriter(Result, texts[4]), Encoding.UTF8.GetString(QueryXml.Success("Op", Namespace, texts[4], Result)));
        }
    }

    [Fact]
    public void Error_documents_are_byte_for_byte_those_of_XmlWriter_with_unwritable_characters_replaced()
    {
        var error = new AwsError("ValidationError", "bad <value> & \"quote\"\u0001 \uD800 end\r\n", 400);

        var expected = WithXmlWriter(xml =>
        {
            xml.WriteStartElement("ErrorResponse", Namespace);
            xml.WriteStartElement("Error");
            xml.WriteElementString("Type", error.Type);
            xml.WriteElementString("Code", error.Code);
            xml.WriteElementString("Message", QueryXml.XmlSafe(error.Message));
            xml.WriteEndElement();
            xml.WriteElementString("RequestId", "id");
            xml.WriteEndElement();
        });

        Assert.Equal(expected, Encoding.UTF8.GetString(QueryXml.Error(Namespace, error, "id")));
    }

    [Theory]
    [InlineData(0x0001, false)]
    [InlineData(0x001F, false)]
    [InlineData(0xD800, false)] // a high surrogate with no low one after it
    [InlineData(0xDC00, false)] // a low surrogate alone
    [InlineData(0xFFFE, false)]
    [InlineData(0xD83D, true)] // a high surrogate ending the text
    public void A_character_XML_cannot_carry_is_refused_as_XmlWriter_refuses_it(int character, bool atEnd)
    {
        // Built here: lone surrogates do not survive an attribute's UTF-8 encoding.
        var text = "text " + (char)character + (atEnd ? "" : " more");
        void Result(XmlWriter xml) => xml.WriteElementString("Value", text);

        Assert.Throws<ArgumentException>(() => WithXmlWriter(Result, "id"));
        Assert.Throws<ArgumentException>(() => QueryXml.Success("Op", Namespace, "id", Result));
        // The thread's buffer is not left holding the failed document.
        Assert.Equal(WithXmlWriter(xml => xml.WriteElementString("Value", "ok"), "id"),
            Encoding.UTF8.GetString(QueryXml.Success("Op", Namespace, "id", xml => xml.WriteElementString("Value", "ok"))));
    }

    [Fact]
    public void What_awsQuery_documents_never_use_is_refused_rather_than_written_differently()
    {
        Assert.Throws<NotSupportedException>(() => QueryXml.Success("Op", Namespace, "id", xml => xml.WriteAttributeString("a", "b")));
        Assert.Throws<NotSupportedException>(() => QueryXml.Success("Op", Namespace, "id", xml => xml.WriteRaw("<x/>")));
        Assert.Throws<NotSupportedException>(() => QueryXml.Success("Op", Namespace, "id", xml => xml.WriteStartElement("p", "x", "urn:p")));
    }

    private static string Text(Random random) =>
        string.Concat(Enumerable.Range(0, random.Next(0, 12)).Select(_ => Pieces[random.Next(Pieces.Length)]));

    private static string WithXmlWriter(Action<XmlWriter> result, string requestId) => WithXmlWriter(xml =>
    {
        xml.WriteStartElement("OpResponse", Namespace);
        xml.WriteStartElement("OpResult");
        result(xml);
        xml.WriteEndElement();
        xml.WriteStartElement("ResponseMetadata");
        xml.WriteElementString("RequestId", requestId);
        xml.WriteEndElement();
        xml.WriteEndElement();
    });

    private static string WithXmlWriter(Action<XmlWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, Settings))
        {
            write(xml);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
