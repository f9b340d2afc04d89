using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using MsRelapse.Storage.Internal;
using MsRelapse.Storage.Tests.Infrastructure;

namespace MsRelapse.Storage.Tests;

/// <summary>
/// The store's behaviour, run unchanged on SQLite (<see cref="SqlitePatientStoreTests"/>) and PostgreSQL
/// (<see cref="PostgresPatientStoreTests"/>). Each test starts on a new, empty, migrated database.
/// </summary>
public abstract class PatientStoreTests : IAsyncLifetime
{
    /// <summary>A fixed start: times in assertions are then exact.</summary>
    protected static readonly DateTimeOffset Start = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    private readonly List<ServiceProvider> _providers = [];

    protected FakeTimeProvider Time { get; } = new(Start);

    protected string ConnectionString { get; private set; } = "";

    protected ServiceProvider Services { get; private set; } = null!;

    protected IPatientStore Store { get; private set; } = null!;

    protected static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync()
    {
        ConnectionString = await CreateDatabaseAsync();
        Services = Open();
        await Services.MigrateMsRelapseStorageAsync(Ct);
        Store = Services.GetRequiredService<IPatientStore>();
    }

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        await DropDatabaseAsync();
    }

    /// <summary>Creates an empty database; returns the connection given to AddMsRelapseStorage.</summary>
    protected abstract Task<string> CreateDatabaseAsync();

    protected abstract Task DropDatabaseAsync();

    /// <summary>Makes every INSERT into (or UPDATE of) <paramref name="table"/> fail inside the database.</summary>
    protected abstract Task BreakWritesToAsync(string table);

    /// <summary>A second, independent service container on the same database: what a second process would have.</summary>
    protected ServiceProvider Open()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        services.AddMsRelapseStorage(ConnectionString);
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider;
    }

    private protected MsRelapseDbContext RawContext() => Services.GetRequiredService<ContextFactory>().Create();

    protected static string Bundle(string family, string given, decimal edss) =>
        "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
        + "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"x\",\"name\":[{\"family\":\"" + family + "\",\"given\":[\"" + given + "\"]}]}},"
        + "{\"resource\":{\"resourceType\":\"Observation\",\"code\":{\"text\":\"EDSS\"},\"valueQuantity\":{\"value\":"
        + edss.ToString(CultureInfo.InvariantCulture) + "}}}]}";

    protected static string Recommendation(string action) => $$"""{"primaryAction":"{{action}}","urgency":"urgent","rules":["R3"]}""";

    protected static NewEvaluation Evaluation(string patientId, string action, DateOnly asOf, string input) =>
        new(patientId, 1, "0.1.0", "kb-2026.11", asOf, input, action, "urgent", Recommendation(action));

    // ---- create / read / replace / delete -------------------------------------------------------------------------

    [StoreFact]
    public async Task A_new_record_reads_back_byte_for_byte_at_version_1()
    {
        // Unusual spacing and key order must survive: the stored text is the exact input, not a re-serialisation.
        var bundle = "{ \"resourceType\" : \"Bundle\",\n  \"type\":\"collection\", \"entry\" : [ ] }";
        var created = await Store.UpsertAsync("pat-1", bundle, "Garcia Maria", null, "dr-a", Ct);

        var read = await Store.GetAsync("pat-1", Ct);

        Assert.NotNull(read);
        Assert.Equal(1, created.Version);
        Assert.Equal(created, read);
        Assert.Equal(bundle, read.BundleJson);
        Assert.Equal(Start, read.CreatedAt);
        Assert.Equal(Start, read.UpdatedAt);
    }

    [StoreFact]
    public async Task An_unknown_patient_reads_as_null()
    {
        Assert.Null(await Store.GetAsync("nobody", Ct));
        Assert.True(await Store.IsEmptyAsync(Ct));
    }

    [StoreFact]
    public async Task Replacing_a_record_increments_the_version_and_keeps_the_creation_time()
    {
        await Store.UpsertAsync("pat-1", Bundle("Garcia", "Maria", 3.5m), "Garcia Maria", null, "dr-a", Ct);
        Time.Advance(TimeSpan.FromMinutes(90));

        var replaced = await Store.UpsertAsync("pat-1", Bundle("Garcia", "Maria", 6.0m), "Garcia Maria", 1, "dr-b", Ct);

        Assert.Equal(2, replaced.Version);
        Assert.Equal(Start, replaced.CreatedAt);
        Assert.Equal(Start.AddMinutes(90), replaced.UpdatedAt);
        Assert.Contains("\"value\":6.0", (await Store.GetAsync("pat-1", Ct))!.BundleJson, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task Every_write_increments_the_version_by_exactly_one()
    {
        // Five writes of three kinds: put (create), put, merge, put, merge → versions 1..5.
        var versions = new List<long>
        {
            (await Store.UpsertAsync("pat-1", Bundle("A", "B", 1m), "", null, "u", Ct)).Version,
            (await Store.UpsertAsync("pat-1", Bundle("A", "B", 2m), "", null, "u", Ct)).Version,
            (await Store.ReplaceBundleAsync("pat-1", Bundle("A", "B", 3m), "", 2, "u", Ct)).Version,
            (await Store.UpsertAsync("pat-1", Bundle("A", "B", 4m), "", 3, "u", Ct)).Version,
            (await Store.ReplaceBundleAsync("pat-1", Bundle("A", "B", 5m), "", 4, "u", Ct)).Version,
        };

        Assert.Equal([1, 2, 3, 4, 5], versions);
        Assert.Equal(5, (await Store.GetAsync("pat-1", Ct))!.Version);
    }

    [StoreFact]
    public async Task Deleting_removes_the_record_and_its_evaluations_but_not_the_audit_log()
    {
        await Store.UpsertAsync("pat-1", Bundle("Garcia", "Maria", 3.5m), "Garcia Maria", null, "dr-a", Ct);
        await Store.AddEvaluationAsync(Evaluation("pat-1", "iv-methylprednisolone", new DateOnly(2026, 11, 25), "{}"), "dr-a", Ct);

        Assert.True(await Store.DeleteAsync("pat-1", 1, "dr-a", Ct));

        Assert.Null(await Store.GetAsync("pat-1", Ct));
        Assert.Empty(await Store.ListEvaluationsAsync("pat-1", Ct));
        Assert.True(await Store.IsEmptyAsync(Ct));
        var actions = (await Store.ListAuditAsync(new AuditQuery(PatientId: "pat-1"), Ct)).Select(a => a.Action);
        Assert.Equal([AuditActions.PatientPut, AuditActions.EvaluationCreate, AuditActions.PatientDelete], actions);
    }

    [StoreFact]
    public async Task Deleting_an_unknown_patient_returns_false_and_audits_nothing()
    {
        Assert.False(await Store.DeleteAsync("nobody", null, "dr-a", Ct));
        Assert.Empty(await Store.ListAuditAsync(new AuditQuery(), Ct));
    }

    [StoreFact]
    public async Task A_deleted_patient_can_be_created_again_from_version_1()
    {
        await Store.UpsertAsync("pat-1", Bundle("A", "B", 1m), "", null, "u", Ct);
        await Store.UpsertAsync("pat-1", Bundle("A", "B", 2m), "", null, "u", Ct);
        await Store.DeleteAsync("pat-1", null, "u", Ct);

        var again = await Store.UpsertAsync("pat-1", Bundle("A", "B", 3m), "", 0, "u", Ct);

        Assert.Equal(1, again.Version);
    }

    // ---- optimistic concurrency ----------------------------------------------------------------------------------

    [StoreFact]
    public async Task A_stale_expected_version_is_refused_with_the_current_version_and_changes_nothing()
    {
        var bundle = Bundle("Garcia", "Maria", 3.5m);
        await Store.UpsertAsync("pat-1", bundle, "Garcia", null, "dr-a", Ct);
        await Store.UpsertAsync("pat-1", bundle, "Garcia", 1, "dr-a", Ct);
        var auditBefore = await Store.ListAuditAsync(new AuditQuery(), Ct);

        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(
            () => Store.UpsertAsync("pat-1", Bundle("Garcia", "Maria", 7m), "Garcia", 1, "dr-b", Ct));

        Assert.Equal(1, conflict.ExpectedVersion);
        Assert.Equal(2, conflict.CurrentVersion);
        Assert.DoesNotContain("pat-1", conflict.Message, StringComparison.Ordinal);
        Assert.Equal(bundle, (await Store.GetAsync("pat-1", Ct))!.BundleJson);
        Assert.Equal(auditBefore, await Store.ListAuditAsync(new AuditQuery(), Ct));
    }

    [StoreFact]
    public async Task Create_only_refuses_an_existing_record_and_a_merge_refuses_a_missing_one()
    {
        await Store.UpsertAsync("pat-1", Bundle("A", "B", 1m), "", 0, "u", Ct);

        var exists = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.UpsertAsync("pat-1", Bundle("A", "B", 2m), "", 0, "u", Ct));
        var missing = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.ReplaceBundleAsync("pat-2", Bundle("A", "B", 2m), "", 1, "u", Ct));
        var staleDelete = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.DeleteAsync("pat-1", 7, "u", Ct));

        Assert.Equal(1, exists.CurrentVersion);
        Assert.Equal(0, missing.CurrentVersion);
        Assert.Equal(1, staleDelete.CurrentVersion);
        Assert.NotNull(await Store.GetAsync("pat-1", Ct));
        Assert.Null(await Store.GetAsync("pat-2", Ct));
    }

    [StoreFact]
    public async Task Two_writers_with_the_same_expected_version_one_wins_and_one_gets_a_conflict()
    {
        // Two independent containers on one database, as two service processes would be. Ten rounds, so the
        // writes truly overlap in some of them; in every round exactly one wins.
        var storeB = Open().GetRequiredService<IPatientStore>();
        await Store.UpsertAsync("pat-1", Bundle("A", "B", 0m), "", null, "setup", Ct);
        for (var version = 1L; version <= 10; version++)
        {
            var expected = version;
            var outcomes = await Task.WhenAll(
                Task.Run(() => TryWrite(Store, expected, "writer-a")),
                Task.Run(() => TryWrite(storeB, expected, "writer-b")));

            Assert.Single(outcomes, won => won);
            Assert.Equal(version + 1, (await Store.GetAsync("pat-1", Ct))!.Version);
        }

        // One audit entry per successful write: the setup and the ten winners, with versions 1..11.
        var audit = await Store.ListAuditAsync(new AuditQuery(PatientId: "pat-1"), Ct);
        Assert.Equal(Enumerable.Range(1, 11).Select(v => (long?)v), audit.Select(a => a.RecordVersion));

        static async Task<bool> TryWrite(IPatientStore store, long expected, string user)
        {
            try
            {
                await store.UpsertAsync("pat-1", Bundle("A", user, expected), "", expected, user, Ct);
                return true;
            }
            catch (ConcurrencyConflictException e)
            {
                Assert.Equal(expected + 1, e.CurrentVersion);
                return false;
            }
        }
    }

    [StoreFact]
    public async Task A_write_based_on_a_row_read_before_another_write_matches_no_row()
    {
        // The database-level guard behind the version check: a context that read version 1 cannot save after
        // another writer made version 2, because the UPDATE is "... WHERE version = 1" (EF concurrency token).
        await Store.UpsertAsync("pat-1", Bundle("A", "B", 1m), "", null, "u", Ct);
        await using var stale = RawContext();
        var row = await stale.Patients.SingleAsync(p => p.PatientId == "pat-1");
        await Store.UpsertAsync("pat-1", Bundle("A", "B", 2m), "", 1, "u", Ct);

        row.Version = 2;
        row.BundleJson = Bundle("Lost", "Update", 9m);

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => stale.SaveChangesAsync());
        Assert.Contains("\"value\":2", (await Store.GetAsync("pat-1", Ct))!.BundleJson, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task Unconditional_writers_racing_all_succeed_with_consecutive_versions()
    {
        // More writers than the store's retry budget: with optimistic retries alone the last losers ran out of attempts
        // (CI, PostgreSQL: "expected version none, current version 7"); writers must queue, not give up.
        const int writers = 16;
        var storeB = Open().GetRequiredService<IPatientStore>();
        var writes = Enumerable.Range(0, writers)
            .Select(i => Task.Run(() => (i % 2 == 0 ? Store : storeB).UpsertAsync("pat-1", Bundle("A", "B", i), "", null, $"writer-{i}", Ct)));

        var results = await Task.WhenAll(writes);

        Assert.Equal(Enumerable.Range(1, writers).Select(v => (long)v), results.Select(r => r.Version).Order());
        Assert.Equal(writers, (await Store.GetAsync("pat-1", Ct))!.Version);
    }

    // ---- list, paging, search ------------------------------------------------------------------------------------

    [StoreFact]
    public async Task Patients_are_listed_in_id_order_one_page_at_a_time()
    {
        // 25 patients, pages of 10 → 10 + 10 + 5, in ordinal id order, no patient twice.
        for (var i = 25; i >= 1; i--)
        {
            await Store.UpsertAsync($"p{i:D2}", Bundle("F", "G", 1m), $"Family{i}", null, "u", Ct);
        }

        var pages = new List<PatientPage>();
        for (var page = 1; page <= 4; page++)
        {
            pages.Add(await Store.ListAsync(new PatientQuery(page, 10), Ct));
        }

        Assert.Equal([10, 10, 5, 0], pages.Select(p => p.Items.Count));
        Assert.All(pages, p => Assert.Equal(25, p.TotalCount));
        var ids = pages.SelectMany(p => p.Items).Select(p => p.PatientId).ToList();
        Assert.Equal(Enumerable.Range(1, 25).Select(i => $"p{i:D2}"), ids);
        Assert.Equal("Family1", pages[0].Items[0].SearchText);
    }

    [StoreFact]
    public async Task Ids_sort_ordinally_whatever_the_database_locale()
    {
        foreach (var id in new[] { "b", "B", "a", "A", "a-1", "a.1", "10", "9" })
        {
            await Store.UpsertAsync(id, Bundle("F", "G", 1m), "", null, "u", Ct);
        }

        var page = await Store.ListAsync(new PatientQuery(1, 100), Ct);

        // Ordinal (byte) order: '-' (2D) < '.' (2E) < digits < upper case < lower case.
        Assert.Equal(["10", "9", "A", "B", "a", "a-1", "a.1", "b"], page.Items.Select(p => p.PatientId));
    }

    [StoreFact]
    public async Task A_clinician_finds_a_patient_by_name_ignoring_case_and_accents()
    {
        await Store.UpsertAsync("pat-1", Bundle("García", "María", 3m), "García  María", null, "u", Ct);
        await Store.UpsertAsync("pat-2", Bundle("Smith", "John", 3m), "Smith John", null, "u", Ct);
        await Store.UpsertAsync("pat-3", Bundle("Garcin", "Paul", 3m), "Garcin Paul", null, "u", Ct);

        async Task<string[]> Find(string text) => [.. (await Store.ListAsync(new PatientQuery(Search: text), Ct)).Items.Select(p => p.PatientId)];

        Assert.Equal(["pat-1"], await Find("garcia"));
        Assert.Equal(["pat-1"], await Find("GARCÍA maría"));
        Assert.Equal(["pat-1", "pat-3"], await Find("Garc"));
        Assert.Equal(["pat-2"], await Find("john"));
        Assert.Empty(await Find("Jones"));
        Assert.Equal("García  María", (await Store.ListAsync(new PatientQuery(Search: "garcia"), Ct)).Items[0].SearchText);
    }

    [StoreFact]
    public async Task A_patient_is_found_by_id_prefix_and_the_search_counts_only_matches()
    {
        await Store.UpsertAsync("mrn-001", Bundle("A", "B", 3m), "Alpha", null, "u", Ct);
        await Store.UpsertAsync("mrn-002", Bundle("A", "B", 3m), "Beta", null, "u", Ct);
        await Store.UpsertAsync("xyz-001", Bundle("A", "B", 3m), "Gamma", null, "u", Ct);

        var page = await Store.ListAsync(new PatientQuery(1, 1, "mrn-"), Ct);

        Assert.Equal(2, page.TotalCount);
        Assert.Equal(["mrn-001"], page.Items.Select(p => p.PatientId));
        // Wildcards are literal text, not patterns.
        Assert.Equal(0, (await Store.ListAsync(new PatientQuery(Search: "%"), Ct)).TotalCount);
        Assert.Equal(0, (await Store.ListAsync(new PatientQuery(Search: "mrn_"), Ct)).TotalCount);
    }

    [StoreFact]
    public async Task Page_sizes_beyond_100_and_pages_below_1_are_refused()
    {
        var tooBig = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ListAsync(new PatientQuery(1, 101), Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ListAsync(new PatientQuery(1, 0), Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ListAsync(new PatientQuery(0, 10), Ct));

        Assert.Contains("1 to 100", tooBig.Message, StringComparison.Ordinal);
        Assert.Empty((await Store.ListAsync(new PatientQuery(1, 100), Ct)).Items);
    }

    // ---- evaluations ---------------------------------------------------------------------------------------------

    [StoreFact]
    public async Task Evaluations_are_stored_with_the_input_hash_and_listed_in_the_order_stored()
    {
        await Store.UpsertAsync("pat-1", Bundle("A", "B", 3m), "", null, "u", Ct);
        var first = await Store.AddEvaluationAsync(Evaluation("pat-1", "iv-methylprednisolone", new DateOnly(2026, 11, 20), "{}"), "dr-a", Ct);
        Time.Advance(TimeSpan.FromDays(10));
        // An earlier asOf stored later still lists second: the order is the order of storage.
        var second = await Store.AddEvaluationAsync(Evaluation("pat-1", "plasma-exchange", new DateOnly(2026, 11, 1), Bundle("A", "B", 3m)), "dr-a", Ct);

        var listed = await Store.ListEvaluationsAsync("pat-1", Ct);

        Assert.Equal([first, second], listed);
        // SHA-256 of the two bytes "{}" (a published test value, also `printf '{}' | sha256sum`).
        Assert.Equal("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", first.InputSha256);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Bundle("A", "B", 3m)))), second.InputSha256);
        Assert.Equal(Recommendation("plasma-exchange"), second.RecommendationJson);
        Assert.Equal(("plasma-exchange", "urgent", "0.1.0", "kb-2026.11"), (second.PrimaryAction, second.Urgency, second.EngineVersion, second.KnowledgeBaseVersion));
        Assert.Equal(new DateOnly(2026, 11, 1), second.AsOf);
        Assert.Equal(Start.AddDays(10), second.CreatedAt);
        Assert.Equal(second, await Store.GetEvaluationAsync("pat-1", second.Id, Ct));
        Assert.Null(await Store.GetEvaluationAsync("pat-2", second.Id, Ct));
    }

    [StoreFact]
    public async Task An_evaluation_of_an_unknown_patient_is_refused_and_audits_nothing()
    {
        var e = await Assert.ThrowsAsync<PatientNotFoundException>(
            () => Store.AddEvaluationAsync(Evaluation("nobody", "iv-methylprednisolone", new DateOnly(2026, 11, 25), "{}"), "u", Ct));

        Assert.DoesNotContain("nobody", e.Message, StringComparison.Ordinal);
        Assert.Empty(await Store.ListAuditAsync(new AuditQuery(), Ct));
    }

    // ---- audit ---------------------------------------------------------------------------------------------------

    [StoreFact]
    public async Task Every_write_leaves_one_audit_entry_with_no_clinical_content()
    {
        // Names and a clinical value that must never reach the log.
        var bundle = Bundle("Zyxwvuts", "Qwertyui", 6.5m);
        await Store.UpsertAsync("pat-1", bundle, "Zyxwvuts Qwertyui", null, "dr-a", Ct);
        Time.Advance(TimeSpan.FromSeconds(1));
        await Store.ReplaceBundleAsync("pat-1", bundle, "Zyxwvuts Qwertyui", 1, "dr-b", Ct);
        Time.Advance(TimeSpan.FromSeconds(1));
        await Store.AddEvaluationAsync(Evaluation("pat-1", "iv-methylprednisolone", new DateOnly(2026, 11, 25), bundle), null, Ct);
        Time.Advance(TimeSpan.FromSeconds(1));
        await Store.RecordAuditAsync(AuditActions.PatientRead, "pat-1", AuditOutcomes.Success, "dr-c", Ct);
        Time.Advance(TimeSpan.FromSeconds(1));
        await Store.DeleteAsync("pat-1", null, "   ", Ct);

        var audit = await Store.ListAuditAsync(new AuditQuery(), Ct);

        Assert.Equal(
            [
                (Start, "dr-a", AuditActions.PatientPut, 1L),
                (Start.AddSeconds(1), "dr-b", AuditActions.PatientResourcesAdd, 2L),
                (Start.AddSeconds(2), "anonymous", AuditActions.EvaluationCreate, 1L),
                (Start.AddSeconds(3), "dr-c", AuditActions.PatientRead, 0L),
                (Start.AddSeconds(4), "anonymous", AuditActions.PatientDelete, 2L),
            ],
            audit.Select(a => (a.At, a.User, a.Action, a.RecordVersion ?? 0L)));
        Assert.All(audit, a => Assert.Equal(("pat-1", AuditOutcomes.Success), (a.PatientId, a.Outcome)));
        Assert.True(audit.Select(a => a.Id).SequenceEqual(audit.Select(a => a.Id).Order()));
        var text = JsonSerializer.Serialize(audit);
        foreach (var secret in new[] { "Zyxwvuts", "Qwertyui", "6.5", "Bundle", "Observation", "urgent" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [StoreFact]
    public async Task Free_text_cannot_enter_the_audit_log()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.RecordAuditAsync("patient read by Dr Garcia", "pat-1", AuditOutcomes.Success, "u", Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.RecordAuditAsync(AuditActions.PatientRead, "pat-1", "EDSS 6.5", "u", Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.RecordAuditAsync(AuditActions.PatientRead, "Maria Garcia", AuditOutcomes.Success, "u", Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.RecordAuditAsync(AuditActions.PatientRead, "pat-1", AuditOutcomes.Success, "line1\nline2", Ct));

        Assert.Empty(await Store.ListAuditAsync(new AuditQuery(), Ct));
    }

    [StoreFact]
    public async Task The_audit_log_filters_by_patient_action_user_time_and_cursor()
    {
        for (var i = 0; i < 6; i++)
        {
            await Store.RecordAuditAsync(i % 2 == 0 ? AuditActions.PatientRead : AuditActions.PatientList, i < 3 ? "pat-1" : "pat-2", AuditOutcomes.Success, $"u{i % 3}", Ct);
            Time.Advance(TimeSpan.FromMinutes(1));
        }

        async Task<int[]> Minutes(AuditQuery q) => [.. (await Store.ListAuditAsync(q, Ct)).Select(a => (int)(a.At - Start).TotalMinutes)];

        Assert.Equal(new[] { 0, 1, 2 }, await Minutes(new AuditQuery(PatientId: "pat-1")));
        Assert.Equal(new[] { 0, 2, 4 }, await Minutes(new AuditQuery(Action: AuditActions.PatientRead)));
        Assert.Equal(new[] { 1, 4 }, await Minutes(new AuditQuery(User: "u1")));
        // From is inclusive, To exclusive: [08:02, 08:04) → minutes 2 and 3; an offset of +01:00 is the same instant.
        Assert.Equal(new[] { 2, 3 }, await Minutes(new AuditQuery(From: Start.AddMinutes(2).ToOffset(TimeSpan.FromHours(1)), To: Start.AddMinutes(4))));
        var firstTwo = await Store.ListAuditAsync(new AuditQuery(Limit: 2), Ct);
        Assert.Equal(new[] { 2, 3 }, await Minutes(new AuditQuery(AfterId: firstTwo[1].Id, Limit: 2)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ListAuditAsync(new AuditQuery(Limit: 1001), Ct));
    }

    [StoreFact]
    public async Task The_database_refuses_to_change_or_delete_audit_entries()
    {
        await Store.UpsertAsync("pat-1", Bundle("A", "B", 1m), "", null, "u", Ct);
        await using var db = RawContext();

        await Assert.ThrowsAnyAsync<DbException>(() => db.Database.ExecuteSqlRawAsync("UPDATE audit_log SET outcome = 'denied'"));
        await Assert.ThrowsAnyAsync<DbException>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM audit_log"));

        Assert.Equal(AuditOutcomes.Success, Assert.Single(await Store.ListAuditAsync(new AuditQuery(), Ct)).Outcome);
    }

    // ---- transactions --------------------------------------------------------------------------------------------

    [StoreFact]
    public async Task A_patient_write_that_fails_in_the_database_leaves_no_audit_entry()
    {
        await Store.UpsertAsync("pat-1", Bundle("A", "B", 1m), "", null, "u", Ct);
        await BreakWritesToAsync("patients");

        await Assert.ThrowsAnyAsync<DbUpdateException>(() => Store.UpsertAsync("pat-1", Bundle("A", "B", 2m), "", 1, "u", Ct));
        await Assert.ThrowsAnyAsync<DbUpdateException>(() => Store.UpsertAsync("pat-2", Bundle("A", "B", 2m), "", null, "u", Ct));

        Assert.Equal([1L], (await Store.ListAuditAsync(new AuditQuery(), Ct)).Select(a => a.RecordVersion ?? 0));
        Assert.Equal(1, (await Store.GetAsync("pat-1", Ct))!.Version);
        Assert.Null(await Store.GetAsync("pat-2", Ct));
    }

    [StoreFact]
    public async Task An_evaluation_that_fails_in_the_database_leaves_no_audit_entry()
    {
        await Store.UpsertAsync("pat-1", Bundle("A", "B", 1m), "", null, "u", Ct);
        await BreakWritesToAsync("evaluations");

        await Assert.ThrowsAnyAsync<DbUpdateException>(
            () => Store.AddEvaluationAsync(Evaluation("pat-1", "iv-methylprednisolone", new DateOnly(2026, 11, 25), "{}"), "u", Ct));

        Assert.Equal([AuditActions.PatientPut], (await Store.ListAuditAsync(new AuditQuery(), Ct)).Select(a => a.Action));
        Assert.Empty(await Store.ListEvaluationsAsync("pat-1", Ct));
    }

    // ---- input validation ----------------------------------------------------------------------------------------

    [StoreFact]
    public async Task Invalid_input_is_refused_naming_the_parameter_and_writes_nothing()
    {
        var badId = await Assert.ThrowsAsync<ArgumentException>(() => Store.UpsertAsync("Maria Garcia", Bundle("A", "B", 1m), "", null, "u", Ct));
        var notJson = await Assert.ThrowsAsync<ArgumentException>(() => Store.UpsertAsync("pat-1", "EDSS 6.5", "", null, "u", Ct));
        var array = await Assert.ThrowsAsync<ArgumentException>(() => Store.UpsertAsync("pat-1", "[]", "", null, "u", Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.UpsertAsync("pat-1", "{}", "", -1, "u", Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ReplaceBundleAsync("pat-1", "{}", "", 0, "u", Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.UpsertAsync(new string('a', 65), "{}", "", null, "u", Ct));

        Assert.Equal("patientId", badId.ParamName);
        Assert.Equal("bundleJson", notJson.ParamName);
        Assert.Equal("bundleJson", array.ParamName);
        Assert.DoesNotContain("Garcia", badId.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("6.5", notJson.Message, StringComparison.Ordinal);
        Assert.True(await Store.IsEmptyAsync(Ct));
        Assert.Empty(await Store.ListAuditAsync(new AuditQuery(), Ct));
    }

    // ---- logging -------------------------------------------------------------------------------------------------

    [StoreFact]
    public async Task Nothing_logged_even_at_trace_level_contains_a_patient_id_a_name_or_a_clinical_value()
    {
        var capture = new CapturingLoggerProvider();
        var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(Time)
            .AddLogging(b => b.AddProvider(capture).SetMinimumLevel(LogLevel.Trace))
            .AddMsRelapseStorage(ConnectionString)
            .BuildServiceProvider();
        await using (services)
        {
            var store = services.GetRequiredService<IPatientStore>();
            var bundle = Bundle("Zyxwvuts", "Qwertyui", 6.5m);
            await store.UpsertAsync("secret-id-42", bundle, "Zyxwvuts Qwertyui", 0, "dr-a", Ct);
            await store.ReplaceBundleAsync("secret-id-42", bundle, "Zyxwvuts", 1, "dr-a", Ct);
            await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.UpsertAsync("secret-id-42", bundle, "", 1, "dr-a", Ct));
            await store.AddEvaluationAsync(Evaluation("secret-id-42", "plasma-exchange", new DateOnly(2026, 11, 25), bundle), "dr-a", Ct);
            await store.ListAsync(new PatientQuery(Search: "Zyxw"), Ct);
            await store.GetAsync("secret-id-42", Ct);
            await store.ListEvaluationsAsync("secret-id-42", Ct);
            await store.DeleteAsync("secret-id-42", null, "dr-a", Ct);
        }

        Assert.NotEmpty(capture.Lines);
        Assert.All(capture.Lines, line =>
        {
            foreach (var secret in new[] { "secret-id-42", "Zyxw", "Qwertyui", "6.5", "plasma-exchange" })
            {
                Assert.DoesNotContain(secret, line.Text, StringComparison.OrdinalIgnoreCase);
            }
        });
        // SQL text is logged at Debug at most: an Information log would show every command in production.
        Assert.DoesNotContain(capture.Lines, line => line.Level >= LogLevel.Information && line.Text.Contains("SELECT", StringComparison.Ordinal));
        Assert.Contains(capture.Lines, line => line.Level == LogLevel.Debug && line.Text.Contains("Executed DbCommand", StringComparison.Ordinal));
    }

    // ---- migrations, durability, readiness -----------------------------------------------------------------------

    [StoreFact]
    public async Task Migrating_an_already_migrated_database_again_changes_nothing()
    {
        await Store.UpsertAsync("pat-1", Bundle("A", "B", 1m), "", null, "u", Ct);

        await Services.MigrateMsRelapseStorageAsync(Ct);
        await Open().MigrateMsRelapseStorageAsync(Ct);

        await using var db = RawContext();
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(1, (await Store.GetAsync("pat-1", Ct))!.Version);
    }

    [StoreFact]
    public async Task Two_processes_migrating_the_same_empty_database_at_once_both_succeed()
    {
        await DropDatabaseAsync();
        ConnectionString = await CreateDatabaseAsync();
        var a = Open();
        var b = Open();

        await Task.WhenAll(Task.Run(() => a.MigrateMsRelapseStorageAsync(Ct)), Task.Run(() => b.MigrateMsRelapseStorageAsync(Ct)));

        var store = a.GetRequiredService<IPatientStore>();
        Assert.True(await store.IsEmptyAsync(Ct));
        Assert.Equal(1, (await store.UpsertAsync("pat-1", "{}", "", 0, "u", Ct)).Version);
    }

    [StoreFact]
    public async Task Records_evaluations_and_audit_survive_closing_and_reopening_the_database()
    {
        var bundle = Bundle("Garcia", "Maria", 4.5m);
        await Store.UpsertAsync("pat-1", bundle, "Garcia Maria", null, "u", Ct);
        var evaluation = await Store.AddEvaluationAsync(Evaluation("pat-1", "iv-methylprednisolone", new DateOnly(2026, 11, 25), bundle), "u", Ct);
        await Services.DisposeAsync();
        _providers.Remove(Services);
        await CloseAllConnectionsAsync();

        var reopened = Open();
        await reopened.MigrateMsRelapseStorageAsync(Ct);
        var store = reopened.GetRequiredService<IPatientStore>();

        Assert.Equal(bundle, (await store.GetAsync("pat-1", Ct))!.BundleJson);
        Assert.Equal([evaluation], await store.ListEvaluationsAsync("pat-1", Ct));
        Assert.Equal(2, (await store.ListAuditAsync(new AuditQuery(), Ct)).Count);
        Assert.Equal(1, (await store.ListAsync(new PatientQuery(Search: "garcia"), Ct)).TotalCount);
    }

    [StoreFact]
    public async Task Readiness_is_true_on_a_reachable_database()
    {
        Assert.True(await Store.CanConnectAsync(Ct));
        Assert.True(await Store.IsEmptyAsync(Ct));
        await Store.UpsertAsync("pat-1", "{}", "", null, "u", Ct);
        Assert.False(await Store.IsEmptyAsync(Ct));
    }

    [StoreFact]
    public async Task Token_ids_presented_together_are_each_accepted_once_across_two_instances_and_a_replay_is_refused()
    {
        // The CDS Hooks replay store: concurrent calls share a group commit; the database's key still decides.
        var a = Services.GetRequiredService<ICdsHooksStore>();
        var b = Open().GetRequiredService<ICdsHooksStore>();
        var expires = Start.AddMinutes(5);
        var distinct = await Task.WhenAll(Enumerable.Range(0, 64)
            .Select(i => (i % 2 == 0 ? a : b).TryRecordTokenIdAsync("https://ehr.test", $"jti-{i}", expires, Ct)));
        Assert.All(distinct, Assert.True);

        var sameToken = await Task.WhenAll(Enumerable.Range(0, 16)
            .Select(i => (i % 2 == 0 ? a : b).TryRecordTokenIdAsync("https://ehr.test", "jti-presented-16-times", expires, Ct)));
        Assert.Equal(1, sameToken.Count(accepted => accepted));

        Assert.False(await a.TryRecordTokenIdAsync("https://ehr.test", "jti-3", expires, Ct));
        Assert.True(await a.TryRecordTokenIdAsync("https://other-ehr.test", "jti-3", expires, Ct)); // another issuer's jti
        Time.Advance(TimeSpan.FromMinutes(6));
        Assert.True(await b.TryRecordTokenIdAsync("https://ehr.test", "jti-3", Start.AddMinutes(11), Ct)); // expired: renewed
    }

    [StoreFact]
    public async Task Expired_token_ids_are_purged_after_a_thousand_writes_and_live_ones_still_refuse_a_replay()
    {
        // Every 1,000 writes the batch also deletes what has expired: the table holds live tokens, not every token seen.
        var store = Services.GetRequiredService<ICdsHooksStore>();
        for (var i = 0; i < 10; i++)
        {
            Assert.True(await store.TryRecordTokenIdAsync("https://ehr.test", $"old-{i}", Start.AddMinutes(5), Ct));
        }

        Time.Advance(TimeSpan.FromMinutes(6)); // the ten have expired
        var live = Start.AddMinutes(11);
        for (var i = 0; i < 1000; i++)
        {
            Assert.True(await store.TryRecordTokenIdAsync("https://ehr.test", $"live-{i}", live, Ct));
        }

        await using (var db = RawContext())
        {
            Assert.Equal(1000, await db.CdsTokenIds.CountAsync(Ct));
        }

        Assert.False(await store.TryRecordTokenIdAsync("https://ehr.test", "live-0", live, Ct));
        Assert.False(await store.TryRecordTokenIdAsync("https://ehr.test", "live-999", live, Ct));
    }

    [StoreFact]
    public async Task When_the_replay_store_cannot_write_every_waiting_call_fails_and_none_is_accepted()
    {
        var store = Services.GetRequiredService<ICdsHooksStore>();
        await BreakWritesToAsync("cds_token_ids");
        var calls = Enumerable.Range(0, 12)
            .Select(i => store.TryRecordTokenIdAsync("https://ehr.test", $"jti-{i}", Start.AddMinutes(5), Ct))
            .ToArray();
        foreach (var call in calls)
        {
            await Assert.ThrowsAnyAsync<DbException>(() => call);
        }
    }

    /// <summary>Drops pooled connections so that a reopen really reopens the database.</summary>
    protected abstract Task CloseAllConnectionsAsync();
}
