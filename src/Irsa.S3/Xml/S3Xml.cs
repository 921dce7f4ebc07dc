using System.Text;
using System.Xml;
using System.Xml.Linq;
using Irsa.Core.Aws;
using Irsa.S3.Integrity;
using Irsa.S3.Protocol;

namespace Irsa.S3.Xml;

/// <summary>S3's XML: responses in the 2006-03-01 namespace; request documents read bounded and without DTDs.</summary>
internal static class S3Xml
{
    public const string Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

    /// <summary>Request documents larger than this are refused before parsing.</summary>
    public const int MaxRequestDocumentBytes = 1024 * 1024;

    private static readonly XmlWriterSettings WriterSettings = new() { Encoding = new UTF8Encoding(false), Indent = false };

    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit, // no entities, no external resources: XXE-safe
        XmlResolver = null,
        MaxCharactersFromEntities = 0,
        MaxCharactersInDocument = MaxRequestDocumentBytes,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
    };

    /// <summary>A response document whose root element is in S3's namespace.</summary>
    public static byte[] Document(string root, Action<XmlWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, WriterSettings))
        {
            writer.WriteStartDocument();
            writer.WriteStartElement(root, Namespace);
            body(writer);
            writer.WriteEndElement();
            writer.WriteEndDocument();
        }

        return buffer.ToArray();
    }

    /// <summary>Writes <c>&lt;name&gt;value&lt;/name&gt;</c>, or nothing when <paramref name="value"/> is null.</summary>
    public static void Element(this XmlWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteElementString(name, Namespace, value);
        }
    }

    public static void Element(this XmlWriter writer, string name, long value) =>
        writer.Element(name, value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static void Element(this XmlWriter writer, string name, bool value) => writer.Element(name, value ? "true" : "false");

    public static void Element(this XmlWriter writer, string name, Action<XmlWriter> children)
    {
        writer.WriteStartElement(name, Namespace);
        children(writer);
        writer.WriteEndElement();
    }

    /// <summary>Reads a request document: empty, oversized or malformed bodies answer MalformedXML.</summary>
    public static async Task<XElement> ReadAsync(RequestPayload body, CancellationToken cancellationToken)
    {
        var bytes = await body.ReadBoundedAsync(MaxRequestDocumentBytes, cancellationToken);
        if (bytes is null || bytes.Length == 0)
        {
            throw new AwsErrorException(S3Errors.MalformedXml());
        }

        return Parse(bytes) ?? throw new AwsErrorException(S3Errors.MalformedXml());
    }

    /// <summary>The root of a well-formed document, or null.</summary>
    public static XElement? Parse(byte[] bytes)
    {
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            using var reader = XmlReader.Create(stream, ReaderSettings);
            return XDocument.Load(reader).Root;
        }
        catch (XmlException)
        {
            return null;
        }
    }

    /// <summary>Child elements by local name: clients send the S3 namespace or none.</summary>
    public static IEnumerable<XElement> Children(this XElement element, string localName) =>
        element.Elements().Where(e => e.Name.LocalName == localName);

    public static string? ChildValue(this XElement element, string localName) => element.Children(localName).FirstOrDefault()?.Value;
}
