using System.Globalization;
using System.Text;

namespace Irsa.Policy.Json;

/// <summary>
/// Strict RFC 8259 parser producing <see cref="JsonNode"/> trees with line/column positions.
/// Duplicate object keys are reported because the IAM grammar forbids them.
/// </summary>
internal sealed class JsonTextParser
{
    private const int MaxDepth = 64;
    private readonly string _text;
    private int _pos;
    private int _line = 1;
    private int _lineStart;

    private JsonTextParser(string text) => _text = text;

    public bool HasDuplicateKeys { get; private set; }

    /// <summary>Parses <paramref name="text"/>; returns null when it is not exactly one JSON value.</summary>
    public static JsonNode? TryParse(string text, out bool duplicateKeys)
    {
        var parser = new JsonTextParser(text);
        duplicateKeys = false;
        try
        {
            parser.SkipWhitespace();
            var node = parser.ParseValue(0);
            parser.SkipWhitespace();
            if (node is null || parser._pos != text.Length)
            {
                return null;
            }

            duplicateKeys = parser.HasDuplicateKeys;
            return node;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private SourcePosition Position => new(_line, _pos - _lineStart + 1);

    private JsonNode? ParseValue(int depth)
    {
        if (_pos >= _text.Length || depth > MaxDepth)
        {
            return null;
        }

        var start = Position;
        var c = _text[_pos];
        switch (c)
        {
            case '{':
                return ParseObject(start, depth);
            case '[':
                return ParseArray(start, depth);
            case '"':
                {
                    var s = ParseString();
                    return s is null ? null : new JsonNode(JsonKind.String, start) { Text = s, End = Position };
                }

            case 't':
                return ParseLiteral("true", JsonKind.True, start);
            case 'f':
                return ParseLiteral("false", JsonKind.False, start);
            case 'n':
                return ParseLiteral("null", JsonKind.Null, start);
            default:
                return c == '-' || char.IsAsciiDigit(c) ? ParseNumber(start) : null;
        }
    }

    private JsonNode? ParseLiteral(string literal, JsonKind kind, SourcePosition start)
    {
        if (string.CompareOrdinal(_text, _pos, literal, 0, literal.Length) != 0)
        {
            return null;
        }

        _pos += literal.Length;
        return new JsonNode(kind, start) { Text = literal, End = Position };
    }

    private JsonNode? ParseNumber(SourcePosition start)
    {
        var begin = _pos;
        if (_text[_pos] == '-')
        {
            _pos++;
        }

        if (_pos >= _text.Length || !char.IsAsciiDigit(_text[_pos]))
        {
            return null;
        }

        if (_text[_pos] == '0')
        {
            _pos++;
        }
        else
        {
            SkipDigits();
        }

        if (_pos < _text.Length && _text[_pos] == '.')
        {
            _pos++;
            if (!SkipDigits())
            {
                return null;
            }
        }

        if (_pos < _text.Length && (_text[_pos] == 'e' || _text[_pos] == 'E'))
        {
            _pos++;
            if (_pos < _text.Length && (_text[_pos] == '+' || _text[_pos] == '-'))
            {
                _pos++;
            }

            if (!SkipDigits())
            {
                return null;
            }
        }

        return new JsonNode(JsonKind.Number, start) { Text = _text[begin.._pos], End = Position };
    }

    private bool SkipDigits()
    {
        var begin = _pos;
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
        {
            _pos++;
        }

        return _pos > begin;
    }

    private string? ParseString()
    {
        _pos++; // opening quote
        StringBuilder? sb = null;
        var runStart = _pos;
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c == '"')
            {
                var tail = _text[runStart.._pos];
                _pos++;
                return sb is null ? tail : sb.Append(tail).ToString();
            }

            if (c < 0x20)
            {
                return null;
            }

            if (c != '\\')
            {
                _pos++;
                continue;
            }

            sb ??= new StringBuilder();
            sb.Append(_text, runStart, _pos - runStart);
            _pos++;
            if (_pos >= _text.Length)
            {
                return null;
            }

            var e = _text[_pos++];
            switch (e)
            {
                case '"': sb.Append('"'); break;
                case '\\': sb.Append('\\'); break;
                case '/': sb.Append('/'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u':
                    if (_pos + 4 > _text.Length
                        || !int.TryParse(_text.AsSpan(_pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                    {
                        return null;
                    }

                    sb.Append((char)code);
                    _pos += 4;
                    break;
                default:
                    return null;
            }

            runStart = _pos;
        }

        return null;
    }

    private JsonNode? ParseObject(SourcePosition start, int depth)
    {
        _pos++;
        var node = new JsonNode(JsonKind.Object, start) { Members = [] };
        SkipWhitespace();
        if (Peek() == '}')
        {
            _pos++;
            node.End = Position;
            return node;
        }

        while (true)
        {
            SkipWhitespace();
            if (Peek() != '"')
            {
                return null;
            }

            var key = ParseString();
            if (key is null)
            {
                return null;
            }

            SkipWhitespace();
            if (Peek() != ':')
            {
                return null;
            }

            _pos++;
            SkipWhitespace();
            var value = ParseValue(depth + 1);
            if (value is null)
            {
                return null;
            }

            if (node.Get(key) is not null)
            {
                HasDuplicateKeys = true;
            }

            node.Members.Add(new KeyValuePair<string, JsonNode>(key, value));
            SkipWhitespace();
            var c = Peek();
            _pos++;
            if (c == '}')
            {
                node.End = Position;
                return node;
            }

            if (c != ',')
            {
                return null;
            }
        }
    }

    private JsonNode? ParseArray(SourcePosition start, int depth)
    {
        _pos++;
        var node = new JsonNode(JsonKind.Array, start) { Items = [] };
        SkipWhitespace();
        if (Peek() == ']')
        {
            _pos++;
            node.End = Position;
            return node;
        }

        while (true)
        {
            SkipWhitespace();
            var value = ParseValue(depth + 1);
            if (value is null)
            {
                return null;
            }

            node.Items.Add(value);
            SkipWhitespace();
            var c = Peek();
            _pos++;
            if (c == ']')
            {
                node.End = Position;
                return node;
            }

            if (c != ',')
            {
                return null;
            }
        }
    }

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private void SkipWhitespace()
    {
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c == '\n')
            {
                _pos++;
                _line++;
                _lineStart = _pos;
            }
            else if (c is ' ' or '\t' or '\r')
            {
                _pos++;
            }
            else
            {
                return;
            }
        }
    }
}
