using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Scalar.AspNetCore;

namespace MsRelapse.Server.Infrastructure;

/// <summary>
/// The API reference page (<c>/scalar</c>, Scalar) with nothing that sends data off the machine: no AI agent, no MCP,
/// no developer toolbar (share, SDK generation), no client button, no telemetry, no fonts from a CDN. Its script is
/// the one bundled in Scalar.AspNetCore, served from this origin.
/// </summary>
public static class ApiReference
{
    /// <summary>Maps <c>/scalar</c>.</summary>
    public static void MapApiReference(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapScalarApiReference(o =>
        {
            o.Title = "MsRelapse API";
            o.ShowDeveloperTools = DeveloperToolsVisibility.Never;
            o.HideClientButton = true;
            o.DisableAgent();
            o.DisableTelemetry();
            o.DisableDefaultFonts();
            o.Mcp ??= new ScalarMcpOptions();
            o.Mcp.Disabled = true;
        });
    }
}
