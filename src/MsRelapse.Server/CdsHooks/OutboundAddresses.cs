using System.Net;
using System.Net.Sockets;

namespace MsRelapse.Server.CdsHooks;

/// <summary>
/// Where the CDS Hooks service may connect to (FHIR servers for prefetch, JWK Set URLs): against server-side request
/// forgery. The FHIR base URL must be on an allow-list (global or the calling client's); and the address actually
/// connected to — checked at connect time, after DNS, so a name that re-resolves elsewhere cannot slip through — must
/// be public unless <see cref="CdsHooksOptions.AllowPrivateNetworkAddresses"/>.
/// </summary>
internal static class OutboundAddresses
{
    /// <summary>One connection pool for the EHRs' FHIR servers and key URLs; redirects are not followed (a token must not travel).</summary>
    public static SocketsHttpHandler CreateHandler(CdsHooksOptions options) => new()
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(2),
        ConnectCallback = async (context, ct) =>
        {
            var host = context.DnsEndPoint.Host.Trim('[', ']');
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct).ConfigureAwait(false);
            var allowed = addresses.Where(a => options.AllowPrivateNetworkAddresses || IsPublic(a)).ToArray();
            if (allowed.Length == 0)
            {
                throw new HttpRequestException("The address is not a public one (CdsHooks:AllowPrivateNetworkAddresses is off).");
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>True for a globally routable unicast address (not loopback, private, link-local, CGNAT, unique-local, multicast…).</summary>
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 0 || b[0] == 10 || b[0] == 127
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                || (b[0] == 192 && b[1] == 0 && b[2] == 0)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 198 && (b[1] == 18 || b[1] == 19))
                || b[0] >= 224);
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
                || (b[0] & 0xfe) == 0xfc // fc00::/7 unique local
                || address.IsIPv6Teredo);
        }

        return false;
    }

    /// <summary>The base URL in one form for comparison: scheme and host lower case, explicit port, no trailing '/', no query, user info or fragment.</summary>
    public static string? Normalise(string? url) =>
        Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
        && string.IsNullOrEmpty(uri.UserInfo) && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment)
            ? $"{uri.Scheme}://{uri.Host.ToLowerInvariant()}:{uri.Port}{uri.AbsolutePath.TrimEnd('/')}"
            : null;

    /// <summary>Whether <paramref name="server"/> is on the global allow-list or the calling client's.</summary>
    public static bool FhirServerAllowed(Uri server, CdsHooksOptions options, CdsClientOptions? client)
    {
        var wanted = Normalise(server.OriginalString);
        return wanted is not null && options.FhirServers.Concat(client?.FhirServers ?? []).Any(u => string.Equals(Normalise(u), wanted, StringComparison.Ordinal));
    }
}
