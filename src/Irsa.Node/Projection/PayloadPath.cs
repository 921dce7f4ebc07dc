namespace Irsa.Node.Projection;

/// <summary>
/// Validation of the relative paths in a projected-volume payload, with the kubelet's limits.
/// </summary>
public static class PayloadPath
{
    /// <summary>Maximum length of one path element.</summary>
    public const int MaxElementLength = 255;

    /// <summary>Maximum length of a whole path.</summary>
    public const int MaxPathLength = 4096;

    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless <paramref name="path"/> is a relative,
    /// '/'-separated path whose elements are non-empty, not "." or "..", whose first element does not
    /// start with ".." (that prefix is reserved for the writer's own entries) and which fits the
    /// length limits.
    /// </summary>
    /// <remarks>
    /// Note: stricter than the kubelet, which cleans "a//b" and "./a" into canonical form; rejecting
    /// them instead means a payload key is always the exact on-disk path, so comparisons are simple.
    /// </remarks>
    public static void Validate(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0)
        {
            throw Invalid(path, "must not be empty");
        }

        if (path.Length > MaxPathLength)
        {
            throw Invalid(path, $"must be at most {MaxPathLength} characters");
        }

        if (path[0] == '/' || Path.IsPathRooted(path))
        {
            throw Invalid(path, "must be relative");
        }

        if (path.Contains('\0', StringComparison.Ordinal) || path.Contains('\\', StringComparison.Ordinal))
        {
            throw Invalid(path, "must not contain NUL or backslash characters");
        }

        var elements = path.Split('/');
        foreach (var element in elements)
        {
            if (element.Length == 0 || element == ".")
            {
                throw Invalid(path, "must not contain empty or '.' elements");
            }

            if (element == "..")
            {
                throw Invalid(path, "must not contain '..'");
            }

            if (element.Length > MaxElementLength)
            {
                throw Invalid(path, $"elements must be at most {MaxElementLength} characters");
            }
        }

        if (elements[0].StartsWith("..", StringComparison.Ordinal))
        {
            throw Invalid(path, "must not start with '..'");
        }
    }

    /// <summary>The first element of a validated path: the name that gets a user-visible symlink.</summary>
    internal static string TopLevelName(string path)
    {
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? path : path[..slash];
    }

    private static ArgumentException Invalid(string path, string reason) =>
        new($"Invalid payload path '{path}': {reason}.", nameof(path));
}
