using Irsa.Node.Projection;
using static Irsa.Node.Tests.TestSupport.Modes;

namespace Irsa.Node.Tests.Projection;

public sealed class TokenFileAccessTests
{
    [Fact]
    public void NoSecurityContext_Is0644OwnedByAgent()
    {
        var access = TokenFileAccess.For(PodSecurity.None);

        Assert.Equal(new TokenFileAccess(M0644, M0700, null, null), access);
        Assert.Equal((UnixFileMode)420, TokenFileAccess.DefaultMode);
    }

    [Fact]
    public void ExplicitDefaultMode_IsUsedWithoutUserOrGroup()
    {
        var access = TokenFileAccess.For(PodSecurity.None, M0600 | UnixFileMode.GroupRead);

        Assert.Equal(M0640, access.FileMode);
    }

    [Fact]
    public void SharedRunAsUser_Is0600OwnedByThatUser()
    {
        var security = new PodSecurity { RunAsUser = 1000, ContainerRunAsUsers = [null, 1000] };

        Assert.Equal(new TokenFileAccess(M0600, M0700, 1000, null), TokenFileAccess.For(security));
    }

    [Fact]
    public void PodRunAsUserWithoutContainers_CountsAsSingleUser()
    {
        var access = TokenFileAccess.For(new PodSecurity { RunAsUser = 1234 });

        Assert.Equal(new TokenFileAccess(M0600, M0700, 1234, null), access);
    }

    [Fact]
    public void DifferentRunAsUsers_FallBackToDefaultMode()
    {
        var security = new PodSecurity { ContainerRunAsUsers = [1000, 1001] };

        Assert.Equal(new TokenFileAccess(M0644, M0700, null, null), TokenFileAccess.For(security));
    }

    [Fact]
    public void ContainerWithoutRunAsUser_BreaksTheSharedUser()
    {
        var security = new PodSecurity { ContainerRunAsUsers = [1000, null] };

        Assert.Null(TokenFileAccess.For(security).Uid);
    }

    [Fact]
    public void FsGroup_Is0640WithGroup()
    {
        var access = TokenFileAccess.For(new PodSecurity { FsGroup = 2000 });

        Assert.Equal(new TokenFileAccess(M0640, M0750, null, 2000), access);
    }

    [Fact]
    public void RunAsUserAndFsGroup_Is0640OwnedByBoth()
    {
        var access = TokenFileAccess.For(new PodSecurity { ContainerRunAsUsers = [1000], FsGroup = 2000 });

        Assert.Equal(new TokenFileAccess(M0640, M0750, 1000, 2000), access);
    }
}
