using System.Globalization;
using System.Text;

namespace Irsa.Webhook;

/// <summary>
/// The handful of Go standard-library parsers whose exact acceptance rules decide upstream's
/// behaviour: <c>strconv.ParseBool</c>, <c>strconv.ParseInt</c>, <c>encoding/csv</c> (first
/// record) and <c>path.Clean</c>.
/// </summary>
internal static class GoText
{
    public static bool TryParseBool(string? s, out bool value)
    {
        switch (s)
        {
            case "1" or "t" or "T" or "TRUE" or "true" or "True":
                value = true;
                return true;
            case "0" or "f" or "F" or "FALSE" or "false" or "False":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary><c>strconv.ParseInt(s, 10, 64)</c>: optional sign, ASCII digits only.</summary>
    public static bool TryParseInt64(string? s, out long value)
    {
        value = 0;
        if (string.IsNullOrEmpty(s))
        {
            return false;
        }

        var digits = s[0] is '+' or '-' ? s.AsSpan(1) : s.AsSpan();
        if (digits.IsEmpty || digits.ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        return long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>
    /// Reads the first record of <paramref name="s"/> with Go <c>encoding/csv</c> defaults
    /// (comma, double quotes, no trimming, strict quotes). Returns null on a parse error or when
    /// there is no record.
    /// </summary>
    public static IReadOnlyList<string>? ReadFirstCsvRecord(string? s)
    {
        if (string.IsNullOrEmpty(s))
        {
            return null;
        }

        var text = s.Replace("\r\n", "\n", StringComparison.Ordinal);
        var pos = 0;

        // encoding/csv skips empty lines before a record.
        while (pos < text.Length && text[pos] == '\n')
        {
            pos++;
        }

        if (pos == text.Length)
        {
            return null;
        }

        var fields = new List<string>();
        var field = new StringBuilder();
        while (true)
        {
            field.Clear();
            if (pos < text.Length && text[pos] == '"')
            {
                pos++;
                while (true)
                {
                    if (pos >= text.Length)
                    {
                        // Unterminated quoted field.
                        return null;
                    }

                    var c = text[pos++];
                    if (c != '"')
                    {
                        field.Append(c);
                        continue;
                    }

                    if (pos < text.Length && text[pos] == '"')
                    {
                        field.Append('"');
                        pos++;
                        continue;
                    }

                    break;
                }

                fields.Add(field.ToString());
                if (pos >= text.Length || text[pos] == '\n')
                {
                    return fields;
                }

                if (text[pos] != ',')
                {
                    // Extraneous character after a closing quote.
                    return null;
                }

                pos++;
                continue;
            }

            while (pos < text.Length && text[pos] is not (',' or '\n'))
            {
                if (text[pos] == '"')
                {
                    // Bare quote in an unquoted field.
                    return null;
                }

                field.Append(text[pos++]);
            }

            fields.Add(field.ToString());
            if (pos >= text.Length || text[pos] == '\n')
            {
                return fields;
            }

            pos++;
        }
    }

    /// <summary>Go <c>filepath.Join</c> on Linux: joins non-empty parts and cleans the result.</summary>
    public static string JoinPath(params string[] parts)
    {
        var nonEmpty = parts.Where(p => p.Length > 0).ToArray();
        return nonEmpty.Length == 0 ? "" : CleanPath(string.Join('/', nonEmpty));
    }

    /// <summary>Go <c>path.Clean</c>.</summary>
    public static string CleanPath(string path)
    {
        if (path.Length == 0)
        {
            return ".";
        }

        var rooted = path[0] == '/';
        var output = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (output.Count > 0 && output[^1] != "..")
                {
                    output.RemoveAt(output.Count - 1);
                }
                else if (!rooted)
                {
                    output.Add("..");
                }

                continue;
            }

            output.Add(segment);
        }

        var joined = string.Join('/', output);
        if (rooted)
        {
            return "/" + joined;
        }

        return joined.Length == 0 ? "." : joined;
    }
}
