using System.Xml;
using Irsa.Core.Aws;

namespace Irsa.Iam.Common;

/// <summary>Tag merging and rendering shared by every taggable IAM resource.</summary>
internal static class IamTags
{
    public const int MaxTags = 50;

    /// <summary>Adds or overwrites tags (keys compare case-insensitively, the new spelling wins).</summary>
    public static IReadOnlyList<IamTag> Merge(IReadOnlyList<IamTag> existing, IReadOnlyList<IamTag> added)
    {
        var merged = existing.Where(t => !added.Any(a => string.Equals(a.Key, t.Key, StringComparison.OrdinalIgnoreCase))).ToList();
        merged.AddRange(added);
        if (merged.Count > MaxTags)
        {
            throw new AwsErrorException(AwsError.LimitExceeded("The number of tags has reached the maximum limit."));
        }

        return merged;
    }

    public static IReadOnlyList<IamTag> Remove(IReadOnlyList<IamTag> existing, IReadOnlyList<string> keys) =>
        [.. existing.Where(t => !keys.Contains(t.Key, StringComparer.OrdinalIgnoreCase))];

    public static void Write(XmlWriter xml, IReadOnlyList<IamTag> tags, string name = "Tags")
    {
        xml.WriteStartElement(name);
        foreach (var tag in tags)
        {
            xml.WriteStartElement("member");
            xml.WriteElementString("Key", tag.Key);
            xml.WriteElementString("Value", tag.Value);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    /// <summary>Get* responses omit an empty tag list, as AWS does.</summary>
    public static void WriteIfAny(XmlWriter xml, IReadOnlyList<IamTag> tags)
    {
        if (tags.Count > 0)
        {
            Write(xml, tags);
        }
    }
}
