using Microsoft.AspNetCore.Builder;

namespace Irsa.Server.Hosting;

/// <summary>The one way Irsa's servers create their ASP.NET Core builder.</summary>
internal static class SlimHost
{
    /// <summary>
    /// A slim builder rooted at <paramref name="contentRoot"/> that watches no files. Irsa reads no appsettings files, and
    /// the default (content root = the working directory, reload on change) makes the host put a recursive watch on
    /// whatever folder it was started in: seconds of start-up and thousands of inotify watches in a source checkout.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string applicationName, string contentRoot) =>
        WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ApplicationName = applicationName,
            ContentRootPath = contentRoot,
        });
}
