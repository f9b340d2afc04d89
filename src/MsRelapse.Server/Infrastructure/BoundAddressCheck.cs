using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;

namespace MsRelapse.Server.Infrastructure;

/// <summary>
/// After the server starts, the addresses it actually bound are checked — not only <c>--urls</c>: Kestrel endpoint
/// configuration (<c>Kestrel__Endpoints__*</c>, an <c>appsettings.json</c> in the working directory) can bind others.
/// Without authentication, any non-loopback address stops the start (<see cref="ServerConfigurationException"/>).
/// Until this check has run, <see cref="LoopbackGuard"/> already refuses every request arriving on such an address.
/// </summary>
public sealed class BoundAddressCheck(IServer server, bool authEnabled) : IHostedLifecycleService
{
    /// <summary>The addresses bound, once started.</summary>
    public IReadOnlyList<string> Addresses { get; private set; } = [];

    /// <inheritdoc/>
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        Addresses = [.. server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []];
        var open = Addresses.Where(a => !Security.IsLoopbackOnly(a)).ToList();
        if (!authEnabled && open.Count > 0)
        {
            throw new ServerConfigurationException(
                $"the server bound {string.Join(", ", open)} (Kestrel endpoint configuration or appsettings.json), which is not loopback, " +
                "and authentication is off: give --authority and --audience, or bind to loopback addresses only");
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
