using System.Buffers;
using System.Text;
using System.Xml;

namespace Irsa.Core.Query;

/// <summary>
/// The <see cref="XmlWriter"/> awsQuery documents are written with: the same bytes <c>XmlWriter.Create</c> writes with
/// UTF-8 without a byte order mark, the XML declaration and no indentation (characters checked, line breaks normalised),
/// for the part of the API those documents use: elements, text and default namespaces.
/// </summary>
/// <remarks>
/// Why not <c>XmlWriter.Create</c>: each writer it creates allocates a 6 KiB buffer, its scope stacks and a growing
/// stream, which made it the largest allocation of a signed STS call. This one writes into a buffer its caller reuses.
/// Anything outside that part (attributes, prefixes, comments, raw text, …) throws <see cref="NotSupportedException"/>;
/// a differential test holds it to <c>XmlWriter.Create</c>'s output.
/// </remarks>
internal sealed class QueryXmlWriter(IBufferWriter<byte> output) : XmlWriter
{
    // What element text cannot be copied as is: markup, line breaks, and what XML 1.0 cannot carry or needs pairing
    // (controls other than tab, surrogates, U+FFFE and U+FFFF).
    private static readonly SearchValues<char> Special = SearchValues.Create(
        "<>&\r\n" + string.Concat(Enumerable.Range(0, 0x20).Where(c => c is not '\t' and not '\r' and not '\n').Select(c => (char)c))
        + string.Concat(Enumerable.Range(0xD800, 0x800).Select(c => (char)c)) + "\uFFFE\uFFFF");

    private readonly List<(string Name, string Namespace)> _open = [];
    private WriteState _state = WriteState.Start;
    private bool _startTagOpen;

    public override WriteState WriteState => _state;

    public override void WriteStartElement(string? prefix, string localName, string? ns)
    {
        if (!string.IsNullOrEmpty(prefix) || string.IsNullOrEmpty(localName))
        {
            throw new NotSupportedException("awsQuery documents use unprefixed, named elements only.");
        }

        if (_state == WriteState.Start)
        {
            Write("<?xml version=\"1.0\" encoding=\"utf-8\"?>"u8);
        }

        CloseStartTag();
        Write("<"u8);
        WriteUtf8(localName);
        var inScope = _open.Count == 0 ? string.Empty : _open[^1].Namespace;
        if (ns is not null && ns != inScope)
        {
            Write(" xmlns=\""u8);
            WriteEscaped(ns, attribute: true);
            Write("\""u8);
            inScope = ns;
        }

        _open.Add((localName, inScope));
        _startTagOpen = true;
        _state = WriteState.Element;
    }

    public override void WriteEndElement()
    {
        if (_open.Count == 0)
        {
            throw new InvalidOperationException("There was no XML start tag open.");
        }

        if (_startTagOpen)
        {
            Write(" />"u8);
            _startTagOpen = false;
        }
        else
        {
            WriteClosingTag();
        }

        _open.RemoveAt(_open.Count - 1);
        _state = _open.Count == 0 ? WriteState.Content : WriteState.Element;
    }

    public override void WriteFullEndElement()
    {
        if (_open.Count == 0)
        {
            throw new InvalidOperationException("There was no XML start tag open.");
        }

        CloseStartTag();
        WriteClosingTag();
        _open.RemoveAt(_open.Count - 1);
        _state = _open.Count == 0 ? WriteState.Content : WriteState.Element;
    }

    public override void WriteString(string? text)
    {
        if (_open.Count == 0)
        {
            throw new NotSupportedException("awsQuery documents have text only inside elements.");
        }

        CloseStartTag();
        WriteEscaped(text ?? string.Empty, attribute: false);
        _state = WriteState.Content;
    }

    public override void Flush()
    {
    }

    public override void Close()
    {
        while (_open.Count > 0)
        {
            WriteEndElement();
        }

        _state = WriteState.Closed;
    }

    public override string? LookupPrefix(string ns) => _open.Count > 0 && _open[^1].Namespace == ns ? string.Empty : null;

    public override void WriteStartDocument() => throw Unsupported();

    public override void WriteStartDocument(bool standalone) => throw Unsupported();

    public override void WriteEndDocument() => Close();

    public override void WriteDocType(string name, string? pubid, string? sysid, string? subset) => throw Unsupported();

    public override void WriteStartAttribute(string? prefix, string localName, string? ns) => throw Unsupported();

    public override void WriteEndAttribute() => throw Unsupported();

    public override void WriteCData(string? text) => throw Unsupported();

    public override void WriteComment(string? text) => throw Unsupported();

    public override void WriteProcessingInstruction(string name, string? text) => throw Unsupported();

    public override void WriteEntityRef(string name) => throw Unsupported();

    public override void WriteCharEntity(char ch) => throw Unsupported();

    public override void WriteWhitespace(string? ws) => throw Unsupported();

    public override void WriteSurrogateCharEntity(char lowChar, char highChar) => throw Unsupported();

    public override void WriteChars(char[] buffer, int index, int count) => throw Unsupported();

    public override void WriteRaw(char[] buffer, int index, int count) => throw Unsupported();

    public override void WriteRaw(string data) => throw Unsupported();

    public override void WriteBase64(byte[] buffer, int index, int count) => throw Unsupported();

    private static NotSupportedException Unsupported() => new("awsQuery documents are written with elements and text only.");

    private void CloseStartTag()
    {
        if (_startTagOpen)
        {
            Write(">"u8);
            _startTagOpen = false;
        }
    }

    private void WriteClosingTag()
    {
        Write("</"u8);
        WriteUtf8(_open[^1].Name);
        Write(">"u8);
    }

    private void WriteEscaped(string text, bool attribute)
    {
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            var special = rest.IndexOfAny(Special);
            if (attribute && rest.IndexOf('"') is var quote and >= 0 && (special < 0 || quote < special))
            {
                special = quote;
            }

            if (special < 0)
            {
                WriteUtf8(rest);
                return;
            }

            WriteUtf8(rest[..special]);
            var c = rest[special];
            var used = 1;
            switch (c)
            {
                case '<':
                    Write("&lt;"u8);
                    break;
                case '>':
                    Write("&gt;"u8);
                    break;
                case '&':
                    Write("&amp;"u8);
                    break;
                case '"':
                    Write("&quot;"u8);
                    break;
                case '\n' when attribute:
                    Write("&#xA;"u8);
                    break;
                case '\r' when attribute:
                    Write("&#xD;"u8);
                    break;
                case '\r' or '\n':
                    // XmlWriter's default NewLineHandling.Replace: CR LF, CR and LF each become the platform's new line.
                    used = c == '\r' && special + 1 < rest.Length && rest[special + 1] == '\n' ? 2 : 1;
                    WriteUtf8(Environment.NewLine);
                    break;
                case >= '\uD800' and <= '\uDBFF' when special + 1 < rest.Length && char.IsLowSurrogate(rest[special + 1]):
                    used = 2;
                    WriteUtf8(rest.Slice(special, 2));
                    break;
                default:
                    // XmlWriter's CheckCharacters: a character XML 1.0 cannot carry is an error, never silently replaced.
                    throw new ArgumentException($"'\\u{(int)c:X4}' is an invalid character in an XML document.");
            }

            rest = rest[(special + used)..];
        }
    }

    private void WriteUtf8(ReadOnlySpan<char> text)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    private void Write(ReadOnlySpan<byte> bytes) => output.Write(bytes);
}
