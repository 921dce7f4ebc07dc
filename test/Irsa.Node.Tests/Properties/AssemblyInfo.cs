using System.Runtime.Versioning;

// The node agent projects tokens with POSIX modes, symlinks and rename(2); these tests are Unix-only.
[assembly: UnsupportedOSPlatform("windows")]
