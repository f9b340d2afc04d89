using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using MsRelapse.Storage.Internal;

namespace MsRelapse.Storage;

/// <summary>Registers and migrates the patient registry.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IPatientStore"/> (a singleton) on the database <paramref name="connection"/> names (see
    /// <see cref="StorageConnection.Parse"/>: a SQLite file path or <c>Data Source=…</c> by default, a PostgreSQL
    /// <c>Host=…</c> string otherwise). Uses the container's <see cref="TimeProvider"/> (the system clock if none) and
    /// <see cref="ILoggerFactory"/> if any. Also registers <see cref="ICdsHooksStore"/> (same database) and the parsed <see cref="StorageConnection"/>.
    /// </summary>
    public static IServiceCollection AddMsRelapseStorage(this IServiceCollection services, string connection)
    {
        ArgumentNullException.ThrowIfNull(services);
        var parsed = StorageConnection.Parse(connection);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(parsed);
        services.AddSingleton(sp => new ContextFactory(parsed, sp.GetService<ILoggerFactory>()));
        services.AddSingleton<IPatientStore>(sp => new EfPatientStore(sp.GetRequiredService<ContextFactory>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ICdsHooksStore>(sp => new EfCdsHooksStore(sp.GetRequiredService<ContextFactory>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>
    /// Applies the provider's EF Core migrations (creating the SQLite file and its folder if missing). Idempotent;
    /// safe when several processes start at once (EF Core takes a migration lock).
    /// </summary>
    public static async Task MigrateMsRelapseStorageAsync(this IServiceProvider services, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);

        // One migration at a time in a process: EF Core builds its design-time model on first use, and two hosts of one
        // process migrating at once could see it before it was finalised ("The model must be finalized…": a test
        // hosting several services in parallel failed on it once). A service runs one host, so this never waits there.
        await MigrationGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await MigrateAsync(services, ct).ConfigureAwait(false);
        }
        finally
        {
            MigrationGate.Release();
        }
    }

    private static readonly SemaphoreSlim MigrationGate = new(1, 1);

    private static async Task MigrateAsync(IServiceProvider services, CancellationToken ct)
    {
        var contexts = services.GetRequiredService<ContextFactory>();
        contexts.EnsureSqliteFolder();
        await using var db = contexts.Create();
        if (!db.Database.IsNpgsql())
        {
            await db.Database.MigrateAsync(ct).ConfigureAwait(false);
            return;
        }

        // Npgsql's migration lock lasts one migration's transaction: with more than one migration pending, a second
        // process starting at the same moment can apply the next one too ("relation already exists"). A session-level
        // advisory lock on the same connection makes the whole MigrateAsync one critical section across processes.
        await db.Database.OpenConnectionAsync(ct).ConfigureAwait(false);
        try
        {
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_lock(" + MigrationLockKey + ")", ct).ConfigureAwait(false);
            try
            {
                await db.Database.MigrateAsync(ct).ConfigureAwait(false);
            }
            finally
            {
                await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_unlock(" + MigrationLockKey + ")", CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The advisory-lock key of MsRelapse's schema migrations on PostgreSQL (any fixed 64-bit number, as SQL text).</summary>
    private const string MigrationLockKey = "5580894958805676147"; // 0x4D7352656C617073, "MsRelaps" in ASCII

}
