using System.Text.Json;

namespace Irsa.Audit.Journal;

/// <summary>How Irsa's own values (explanations) are stored beside the records.</summary>
internal static class AuditJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
