using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MsRelapse.Server.Endpoints;
using MsRelapse.Storage;

namespace MsRelapse.Server;

/// <summary>Readiness: the engine has answered once and the database is migrated.</summary>
public sealed class ReadinessState
{
    private volatile bool engineWarmed;
    private volatile bool databaseMigrated;

    public bool EngineWarmed { get => engineWarmed; set => engineWarmed = value; }

    public bool DatabaseMigrated { get => databaseMigrated; set => databaseMigrated = value; }
}

/// <summary>
/// Before the server listens: apply migrations, seed the demo patients into an empty database (unless
/// <c>--no-demo</c>), and warm the engine with one evaluation so that the first clinician does not wait for it.
/// </summary>
public sealed partial class StartupTasks(
    IServiceProvider services,
    IPatientStore store,
    Evaluator evaluator,
    ReadinessState readiness,
    TimeProvider clock,
    IOptions<ServerOptions> options,
    ILogger<StartupTasks> logger) : IHostedService
{
    /// <summary>The audit user of the demo seeding.</summary>
    public const string SeedUser = "system-demo-seed";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await services.MigrateMsRelapseStorageAsync(cancellationToken).ConfigureAwait(false);
        readiness.DatabaseMigrated = true;
        var today = Infrastructure.QueryParameters.Today(clock);
        var demo = DemoPatients.Load(today);
        if (options.Value.SeedDemoPatients && await store.IsEmptyAsync(cancellationToken).ConfigureAwait(false))
        {
            var seeded = 0;
            foreach (var patient in demo)
            {
                try
                {
                    // Create-only (expected version 0): a second process seeding the same database at once loses quietly.
                    await store.UpsertAsync(patient.Id, patient.BundleJson, Infrastructure.BundleEditing.SearchTextOf(patient.BundleJson), 0, SeedUser, cancellationToken).ConfigureAwait(false);
                    seeded++;
                }
                catch (ConcurrencyConflictException)
                {
                }
            }

            LogSeeded(logger, seeded);
        }

        var warm = evaluator.Evaluate(demo[0].BundleJson, today);
        readiness.EngineWarmed = warm.RecommendationJson is not null;
        if (!readiness.EngineWarmed)
        {
            LogWarmupFailed(logger, warm.Errors.Count);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Seeded {Count} demo patients into the empty database")]
    private static partial void LogSeeded(ILogger logger, int count);

    [LoggerMessage(EventId = 11, Level = LogLevel.Error, Message = "Engine warm-up evaluation failed with {ErrorCount} input errors")]
    private static partial void LogWarmupFailed(ILogger logger, int errorCount);
}
