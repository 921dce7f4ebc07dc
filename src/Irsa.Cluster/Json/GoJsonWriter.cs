using System.Buffers;
using System.Globalization;
using System.Text;

namespace Irsa.Cluster.Json;

/// <summary>
/// Minimal compact JSON writer that escapes strings exactly like Go's <c>encoding/json</c> (HTML-safe mode).
/// </summary>
/// <remarks>
/// Kubernetes output (tokens, JWKS, Status objects) is produced by Go, which escapes only <c>&lt; &gt; &amp;</c>,
/// U+2028/U+2029, quotes, backslashes and control characters and writes all other text as raw UTF-8.
/// <c>System.Text.Json</c> encoders escape differently, so byte-exact output needs its own writer.
/// Callers are responsible for writing members in the order they want; no validation of structure is done.
/// </remarks>
internal sealed class GoJsonWriter
{
    private const string Hex = "0123456789abcdef";

    private readonly ArrayBufferWriter<byte> _buffer;
    private bool _needsComma;

    public GoJsonWriter(int initialCapacity = 256) => _buffer = new ArrayBufferWriter<byte>(initialCapacity);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    public void StartObject()
    {
        WriteSeparator();
        WriteByte((byte)'{');
        _needsComma = false;
    }

    public void EndObject()
    {
        WriteByte((byte)'}');
        _needsComma = true;
    }

    public void StartArray()
    {
        WriteSeparator();
        WriteByte((byte)'[');
        _needsComma = false;
    }

    public void EndArray()
    {
        WriteByte((byte)']');
        _needsComma = true;
    }

    public void PropertyName(string name)
    {
        WriteSeparator();
        WriteQuoted(name);
        WriteByte((byte)':');
        _needsComma = false;
    }

    public void String(string value)
    {
        WriteSeparator();
        WriteQuoted(value);
        _needsComma = true;
    }

    public void String(string name, string value)
    {
        PropertyName(name);
        String(value);
    }

    public void Number(long value)
    {
        WriteSeparator();
        Span<byte> digits = stackalloc byte[20];
        value.TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
        _buffer.Write(digits[..written]);
        _needsComma = true;
    }

    public void Number(string name, long value)
    {
        PropertyName(name);
        Number(value);
    }

    public void Boolean(bool value)
    {
        WriteSeparator();
        _buffer.Write(value ? "true"u8 : "false"u8);
        _needsComma = true;
    }

    public void Null()
    {
        WriteSeparator();
        _buffer.Write("null"u8);
        _needsComma = true;
    }

    public void StringArray(string name, IEnumerable<string> values)
    {
        PropertyName(name);
        StartArray();
        foreach (var value in values)
        {
            String(value);
        }

        EndArray();
    }

    private void WriteSeparator()
    {
        if (_needsComma)
        {
            WriteByte((byte)',');
        }
    }

    private void WriteByte(byte value)
    {
        var span = _buffer.GetSpan(1);
        span[0] = value;
        _buffer.Advance(1);
    }

    private void WriteAscii(string text)
    {
        var span = _buffer.GetSpan(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            span[i] = (byte)text[i];
        }

        _buffer.Advance(text.Length);
    }

    private void WriteQuoted(string value)
    {
        WriteByte((byte)'"');
        Span<byte> utf8 = stackalloc byte[4];
        var position = 0;
        while (position < value.Length)
        {
            // Go replaces invalid UTF-8 (here: lone surrogates) with an escaped replacement character.
            if (Rune.DecodeFromUtf16(value.AsSpan(position), out var rune, out var consumed) != OperationStatus.Done)
            {
                WriteAscii("\\ufffd");
                position += Math.Max(consumed, 1);
                continue;
            }

            position += consumed;
            var scalar = rune.Value;
            switch (scalar)
            {
                case '"':
                    WriteAscii("\\\"");
                    continue;
                case '\\':
                    WriteAscii("\\\\");
                    continue;
                case '\n':
                    WriteAscii("\\n");
                    continue;
                case '\r':
                    WriteAscii("\\r");
                    continue;
                case '\t':
                    WriteAscii("\\t");
                    continue;
                case '\b':
                    WriteAscii("\\b");
                    continue;
                case '\f':
                    WriteAscii("\\f");
                    continue;
                case '<' or '>' or '&' or < 0x20:
                    WriteAscii("\\u00");
                    WriteByte((byte)Hex[scalar >> 4]);
                    WriteByte((byte)Hex[scalar & 0xF]);
                    continue;
                case 0x2028:
                    WriteAscii("\\u2028");
                    continue;
                case 0x2029:
                    WriteAscii("\\u2029");
                    continue;
                default:
                    var length = rune.EncodeToUtf8(utf8);
                    _buffer.Write(utf8[..length]);
                    continue;
            }
        }

        WriteByte((byte)'"');
    }
}
