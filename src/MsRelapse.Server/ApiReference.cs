using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Scalar.AspNetCore;

namespace MsRelapse.Server;

/// <summary>
/// The API reference page (Scalar at <c>/scalar</c>) with everything that would send data off the machine turned off:
/// the AI chat (Agent), MCP, telemetry, the web fonts from Scalar's CDN, the hosted API client and the developer
/// toolbar (SDK generation, sharing). Its scripts are served by the service itself; the page loads nothing from another
/// origin (tests/MsRelapse.Security.Tests, ApiReferencePageTests).
/// </summary>
public static class ApiReference
{
    /// <summary>Maps <c>/scalar</c> with the options of <see cref="Configure"/>.</summary>
    public static IEndpointConventionBuilder MapPrivateApiReference(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapScalarApiReference(Configure);

    /// <summary>The privacy settings of the page.</summary>
    public static void Configure(ScalarOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.WithTitle("MsRelapse API reference")
            .DisableAgent()
            .DisableMcp()
            .DisableTelemetry()
            .DisableDefaultFonts()
            .HideClientButton();
        options.ShowDeveloperTools = DeveloperToolsVisibility.Never;
        options.ProxyUrl = null;
    }
}
