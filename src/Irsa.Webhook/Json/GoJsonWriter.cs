using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Irsa.Webhook.Json;

/// <summary>
/// A compact JSON writer that reproduces the bytes Go's <c>encoding/json</c> emits: HTML-safe
/// escaping with lowercase hex, raw UTF-8 for other non-ASCII text, no whitespace.
/// </summary>
/// <remarks>
/// <see cref="System.Text.Json.Utf8JsonWriter"/> is not used because its escaper writes uppercase
/// hex (<c>\u003C</c>) and escapes non-ASCII text, so its bytes could never match upstream's.
/// </remarks>
public sealed class GoJsonWriter
{
    private static ReadOnlySpan<byte> Hex => "0123456789abcdef"u8;

    private readonly ArrayBufferWriter<byte> _buffer;
    private bool _needComma;

    /// <summary>Creates a writer with an initial capacity hint.</summary>
    public GoJsonWriter(int initialCapacity = 1024) => _buffer = new ArrayBufferWriter<byte>(initialCapacity);

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    /// <summary>Copies the bytes written so far.</summary>
    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    public void StartObject()
    {
        Separate();
        Raw("{"u8);
        _needComma = false;
    }

    public void EndObject()
    {
        Raw("}"u8);
        _needComma = true;
    }

    public void StartArray()
    {
        Separate();
        Raw("["u8);
        _needComma = false;
    }

    public void EndArray()
    {
        Raw("]"u8);
        _needComma = true;
    }

    /// <summary>Writes an object key; the next value call writes its value.</summary>
    public void Name(string name)
    {
        Separate();
        Escaped(name);
        Raw(":"u8);
        _needComma = false;
    }

    public void String(string? value)
    {
        Separate();
        Escaped(value ?? string.Empty);
        _needComma = true;
    }

    public void Number(long value)
    {
        Separate();
        var span = _buffer.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var written);
        _buffer.Advance(written);
        _needComma = true;
    }

    public void Bool(bool value)
    {
        Separate();
        Raw(value ? "true"u8 : "false"u8);
        _needComma = true;
    }

    public void Null()
    {
        Separate();
        Raw("null"u8);
        _needComma = true;
    }

    /// <summary>Writes a value that is already valid JSON (for example a quoted base64 string).</summary>
    public void RawValue(ReadOnlySpan<byte> json)
    {
        Separate();
        Raw(json);
        _needComma = true;
    }

    // Convenience writers for Go's field tags: "x,omitempty" on a value type vs a pointer.
    public void StringField(string name, string? value)
    {
        Name(name);
        String(value);
    }

    public void OmitEmptyString(string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            StringField(name, value);
        }
    }

    /// <summary>A Go <c>*string</c> with omitempty: written whenever set, even when empty.</summary>
    public void OptionalStringPointer(string name, string? value)
    {
        if (value is not null)
        {
            StringField(name, value);
        }
    }

    public void OmitEmptyNumber(string name, long? value)
    {
        if (value is { } v && v != 0)
        {
            Name(name);
            Number(v);
        }
    }

    /// <summary>A Go <c>*int</c> with omitempty: written whenever set, even when zero.</summary>
    public void OptionalNumberPointer(string name, long? value)
    {
        if (value is { } v)
        {
            Name(name);
            Number(v);
        }
    }

    public void OmitEmptyBool(string name, bool? value)
    {
        if (value == true)
        {
            Name(name);
            Bool(true);
        }
    }

    /// <summary>A Go <c>*bool</c> with omitempty: written whenever set, even when false.</summary>
    public void OptionalBoolPointer(string name, bool? value)
    {
        if (value is { } v)
        {
            Name(name);
            Bool(v);
        }
    }

    public void OmitEmptyStringList(string name, IList<string>? values)
    {
        if (values is not { Count: > 0 })
        {
            return;
        }

        Name(name);
        StartArray();
        foreach (var value in values)
        {
            String(value);
        }

        EndArray();
    }

    private void Separate()
    {
        if (_needComma)
        {
            Raw(","u8);
        }
    }

    private void Raw(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    private void Escaped(string value)
    {
        Raw("\""u8);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c < 0x80)
            {
                WriteAscii((byte)c);
            }
            else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                WriteUtf8(value.AsSpan(i, 2));
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                // A lone surrogate is not valid UTF-8; Go replaces invalid bytes with U+FFFD.
                Raw("\\ufffd"u8);
            }
            else if (c is '\u2028' or '\u2029')
            {
                Raw(c == '\u2028' ? "\\u2028"u8 : "\\u2029"u8);
            }
            else
            {
                WriteUtf8(value.AsSpan(i, 1));
            }
        }

        Raw("\""u8);
    }

    private void WriteAscii(byte b)
    {
        switch (b)
        {
            case (byte)'"': Raw("\\\""u8); return;
            case (byte)'\\': Raw("\\\\"u8); return;
            case (byte)'\n': Raw("\\n"u8); return;
            case (byte)'\r': Raw("\\r"u8); return;
            case (byte)'\t': Raw("\\t"u8); return;
            case (byte)'\b': Raw("\\b"u8); return;
            case (byte)'\f': Raw("\\f"u8); return;
        }

        if (b < 0x20 || b is (byte)'<' or (byte)'>' or (byte)'&')
        {
            Span<byte> esc = [(byte)'\\', (byte)'u', (byte)'0', (byte)'0', Hex[b >> 4], Hex[b & 0xF]];
            Raw(esc);
            return;
        }

        var span = _buffer.GetSpan(1);
        span[0] = b;
        _buffer.Advance(1);
    }

    private void WriteUtf8(ReadOnlySpan<char> chars)
    {
        var span = _buffer.GetSpan(4);
        var written = Encoding.UTF8.GetBytes(chars, span);
        _buffer.Advance(written);
    }
}
