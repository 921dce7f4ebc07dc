namespace Irsa.Node.Tests.TestSupport;

/// <summary>Octal-style constants for readable assertions.</summary>
internal static class Modes
{
    public const UnixFileMode M0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode M0640 = M0600 | UnixFileMode.GroupRead;
    public const UnixFileMode M0644 = M0640 | UnixFileMode.OtherRead;
    public const UnixFileMode M0700 = M0600 | UnixFileMode.UserExecute;
    public const UnixFileMode M0750 = M0700 | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;
    public const UnixFileMode M0755 = M0750 | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
    public const UnixFileMode M0711 = M0700 | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
}
