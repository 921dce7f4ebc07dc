using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Irsa.Core.Json;

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

    /// <summary>
    /// Characters copied as they are: printable ASCII and DEL, except the quote, the backslash and Go's
    /// HTML-safe set. Everything else (controls, non-ASCII) goes through the per-character path.
    /// </summary>
    private static readonly SearchValues<char> Plain = SearchValues.Create(
        " !#$%'()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~\u007f");

    /// <summary>Largest buffer kept for reuse by <see cref="Rent"/>; bigger ones are left to the GC.</summary>
    private const int MaxCachedCapacity = 64 * 1024;

    [ThreadStatic]
    private static GoJsonWriter? t_cached;

    // A plain growable array rather than ArrayBufferWriter: the writer emits hundreds of tiny tokens per
    // patch, and going through IBufferWriter for each one was a measurable share of the cost.
    private byte[] _buffer;
    private int _length;
    private bool _needComma;

    /// <summary>Creates a writer with an initial capacity hint.</summary>
    public GoJsonWriter(int initialCapacity = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(initialCapacity);
        _buffer = new byte[Math.Max(initialCapacity, 16)];
    }

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    /// <summary>Copies the bytes written so far.</summary>
    public byte[] ToArray() => WrittenSpan.ToArray();

    /// <summary>
    /// An empty writer whose buffer is reused across calls on the same thread (the hot path writes a patch
    /// and a response per request; growing fresh buffers for each was most of its allocations). Pair with
    /// <see cref="Return"/> once the bytes have been copied out.
    /// </summary>
    public static GoJsonWriter Rent()
    {
        var writer = t_cached;
        if (writer is null)
        {
            return new GoJsonWriter(4096);
        }

        t_cached = null;
        writer._length = 0;
        writer._needComma = false;
        return writer;
    }

    /// <summary>Gives a rented writer back; it must not be used afterwards.</summary>
    public void Return()
    {
        if (_buffer.Length <= MaxCachedCapacity)
        {
            t_cached = this;
        }
    }

    /// <summary>Writes <c>"name":"base64"</c> with standard, padded base64 (Go's <c>[]byte</c> encoding).</summary>
    public void Base64StringField(string name, ReadOnlySpan<byte> data)
    {
        Name(name);
        var span = GetSpan(Base64.GetMaxEncodedToUtf8Length(data.Length) + 2);
        span[0] = (byte)'"';
        Base64.EncodeToUtf8(data, span[1..], out _, out var written);
        span[written + 1] = (byte)'"';
        _length += written + 2;
        _needComma = true;
    }

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
        Byte((byte)':');
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
        Utf8Formatter.TryFormat(value, GetSpan(20), out var written);
        _length += written;
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

    /// <summary>Writes <c>"name":value</c> for a number that is always present.</summary>
    public void NumberField(string name, long value)
    {
        Name(name);
        Number(value);
    }

    /// <summary>Writes <c>"name":[...]</c>, an empty array included (no omitempty).</summary>
    public void StringArrayField(string name, IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Name(name);
        StartArray();
        foreach (var value in values)
        {
            String(value);
        }

        EndArray();
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
        for (var i = 0; i < values.Count; i++)
        {
            String(values[i]);
        }

        EndArray();
    }

    private void Separate()
    {
        if (_needComma)
        {
            Byte((byte)',');
        }
    }

    private void Raw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        _length += bytes.Length;
    }

    private void Byte(byte b)
    {
        if (_length == _buffer.Length)
        {
            Grow(1);
        }

        _buffer[_length++] = b;
    }

    /// <summary>Free space of at least <paramref name="size"/> bytes at the end; the caller advances <see cref="_length"/>.</summary>
    private Span<byte> GetSpan(int size)
    {
        if (_buffer.Length - _length < size)
        {
            Grow(size);
        }

        return _buffer.AsSpan(_length);
    }

    private void Grow(int size)
    {
        var capacity = Math.Max(_buffer.Length * 2, _length + size);
        Array.Resize(ref _buffer, capacity);
    }

    private void Escaped(string value)
    {
        if (!value.AsSpan().ContainsAnyExcept(Plain))
        {
            // The common case: quote, the ASCII bytes, quote, in one go.
            var span = GetSpan(value.Length + 2);
            span[0] = (byte)'"';
            Ascii.FromUtf16(value, span[1..], out _);
            span[value.Length + 1] = (byte)'"';
            _length += value.Length + 2;
            return;
        }

        Byte((byte)'"');
        var rest = value.AsSpan();
        while (!rest.IsEmpty)
        {
            // Copy the longest run that needs no escaping in one transcoding step (the common case is
            // the whole string), then handle one special character the slow way.
            var run = rest.IndexOfAnyExcept(Plain);
            if (run < 0)
            {
                run = rest.Length;
            }

            if (run > 0)
            {
                WritePlain(rest[..run]);
                rest = rest[run..];
                if (rest.IsEmpty)
                {
                    break;
                }
            }

            var c = rest[0];
            if (c < 0x80)
            {
                WriteAscii((byte)c);
                rest = rest[1..];
            }
            else if (char.IsHighSurrogate(c) && rest.Length > 1 && char.IsLowSurrogate(rest[1]))
            {
                WriteUtf8(rest[..2]);
                rest = rest[2..];
            }
            else if (char.IsSurrogate(c))
            {
                // A lone surrogate is not valid UTF-8; Go replaces invalid bytes with U+FFFD.
                Raw("\\ufffd"u8);
                rest = rest[1..];
            }
            else if (c is '\u2028' or '\u2029')
            {
                Raw(c == '\u2028' ? "\\u2028"u8 : "\\u2029"u8);
                rest = rest[1..];
            }
            else
            {
                WriteUtf8(rest[..1]);
                rest = rest[1..];
            }
        }

        Raw("\""u8);
    }

    /// <summary>Writes characters that need no escaping and are all ASCII (one byte each).</summary>
    private void WritePlain(ReadOnlySpan<char> chars)
    {
        Ascii.FromUtf16(chars, GetSpan(chars.Length), out var written);
        _length += written;
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

        Byte(b);
    }

    private void WriteUtf8(ReadOnlySpan<char> chars)
    {
        _length += Encoding.UTF8.GetBytes(chars, GetSpan(4));
    }
}
