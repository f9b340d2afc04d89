using System.Net;
using Microsoft.AspNetCore.Http;

namespace MsRelapse.Server.Infrastructure;

/// <summary>
/// The local demo mode (no authentication) answers loopback only, whatever the configuration bound: a request that
/// arrived on a non-loopback local address, or that names a host other than a loopback one in <c>Host</c> (a DNS
/// rebinding page's own host name pointed at 127.0.0.1), gets 421/403 <c>host-not-allowed</c>. Only registered in
/// demo mode; with authentication on, the token decides.
/// </summary>
public sealed class LoopbackGuard(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Connection.LocalIpAddress is { } local && !IPAddress.IsLoopback(local) && !IsMappedLoopback(local))
        {
            return Problems.Create(StatusCodes.Status403Forbidden, ProblemCodes.HostNotAllowed, "This address is not served.",
                "The service runs without authentication (local demo mode) and answers on loopback addresses only.").ExecuteAsync(context);
        }

        if (!IsLoopbackHost(context.Request.Host.Host))
        {
            return Problems.Create(StatusCodes.Status421MisdirectedRequest, ProblemCodes.HostNotAllowed, "This host name is not served.",
                "In local demo mode only localhost, 127.0.0.1 and [::1] are accepted as the Host.").ExecuteAsync(context);
        }

        return next(context);
    }

    /// <summary>localhost, an IPv4 loopback address or ::1 (brackets allowed).</summary>
    public static bool IsLoopbackHost(string? host)
    {
        if (string.IsNullOrEmpty(host))
        {
            return false;
        }

        var bare = host.Trim('[', ']');
        return string.Equals(bare, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(bare, out var address) && IPAddress.IsLoopback(address));
    }

    private static bool IsMappedLoopback(IPAddress address) =>
        address.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(address.MapToIPv4());
}
