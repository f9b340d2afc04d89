using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using MsRelapse.Screening;
using MsRelapse.Synthetic;

namespace MsRelapse.BulkData.Tests;

/// <summary>The Bulk Data client against the in-process stub: the protocol, its failures, and SMART Backend Services.</summary>
public sealed class BulkDataClientTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "msr-bulk-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <summary>Waits are recorded, not slept (the floor and back-off would make 429 tests last seconds).</summary>
    private readonly InstantClock _clock = new();

    private BulkDataClient Client(BulkDataStub stub, SmartBackendAuth? auth = null, string? group = null) =>
        new(BulkDataClient.CreateHttpClient(), new BulkExportOptions(stub.FhirBase) { GroupId = group }, auth, _clock);

    [Fact]
    public async Task Kick_off_with_429s_polling_and_many_small_files_downloads_every_file_bounded_and_named_by_type()
    {
        await using var stub = await BulkDataStub.StartAsync(s =>
        {
            s.KickOff429s = 3;
            s.PollsBeforeReady = 4;
            s.File429s = 2;
            s.FileDelay = TimeSpan.FromMilliseconds(30);
            for (var i = 0; i < 40; i++)
            {
                s.Files.Add((i % 2 == 0 ? "Observation" : "Condition", BulkDataStub.Lines(i % 2 == 0 ? "Observation" : "Condition", 3, i * 10)));
            }
        });

        var result = await Client(stub, group: "ms-service").ExportAsync(_folder);

        Assert.Equal(40, result.Files.Count);
        Assert.Equal(20, Directory.GetFiles(_folder, "Observation.*.ndjson").Length);
        Assert.Equal(stub.Files[0].Content, File.ReadAllText(Path.Combine(_folder, "Observation.000.ndjson")));
        Assert.Equal(stub.Files[39].Content, File.ReadAllText(Path.Combine(_folder, "Condition.019.ndjson")));
        Assert.Empty(Directory.GetFiles(_folder, "*.part"));
        Assert.Contains("GET /fhir/Group/ms-service/$export", stub.Log);
        Assert.Contains(stub.Log, l => l.StartsWith("_type=Patient,Condition,Observation,MedicationAdministration", StringComparison.Ordinal));
        Assert.Equal(4, stub.Log.Count(l => l.Contains("$export", StringComparison.Ordinal))); // three 429s, then accepted
        Assert.InRange(stub.PeakDownloads, 2, new BulkExportOptions(stub.FhirBase).MaxParallelDownloads); // in parallel, bounded
    }

    [Fact]
    public async Task A_throttled_token_endpoint_is_waited_out_with_a_fresh_assertion_each_time()
    {
        using var key = RSA.Create(2048);
        await using var stub = await BulkDataStub.StartAsync(s =>
        {
            s.ClientPublicKey = new RsaSecurityKey(key.ExportParameters(false));
            s.Token429s = 2;
            s.Files.Add(("Patient", BulkDataStub.Lines("Patient", 2)));
        });
        using var auth = new SmartBackendAuth(stub.TokenUrl, stub.ClientId, key.ExportPkcs8PrivateKeyPem(), clock: _clock);

        var result = await Client(stub, auth).ExportAsync(_folder);

        Assert.Single(result.Files);
        Assert.Equal(3, stub.Log.Count(l => l == "POST /auth/token")); // two 429s, then a token
        Assert.Single(stub.Algorithms); // only the third assertion was checked and accepted
        Assert.Equal(3, stub.AssertionIds.Distinct(StringComparer.Ordinal).Count()); // each attempt signed anew (its own jti)
    }

    [Fact]
    public async Task A_401_refreshes_the_token_once_not_again_on_each_429_that_follows()
    {
        using var key = RSA.Create(2048);
        await using var stub = await BulkDataStub.StartAsync(s =>
        {
            s.ClientPublicKey = new RsaSecurityKey(key.ExportParameters(false));
            s.Forced401s = 1;
            s.KickOff429s = 3;
            s.Files.Add(("Patient", BulkDataStub.Lines("Patient", 2)));
        });
        using var auth = new SmartBackendAuth(stub.TokenUrl, stub.ClientId, key.ExportPkcs8PrivateKeyPem());

        await Client(stub, auth).ExportAsync(_folder);

        Assert.Equal(2, stub.Log.Count(l => l == "POST /auth/token")); // the first token, and one refresh after the 401
        Assert.Equal(5, stub.Log.Count(l => l.Contains("$export", StringComparison.Ordinal))); // 401, three 429s, accepted
    }

    [Fact]
    public async Task Retry_after_is_honoured_between_polls()
    {
        await using var stub = await BulkDataStub.StartAsync(s =>
        {
            s.PollsBeforeReady = 2;
            s.RetryAfterSeconds = 1;
            s.Files.Add(("Patient", BulkDataStub.Lines("Patient", 2)));
        });

        var clock = Stopwatch.StartNew();
        await new BulkDataClient(BulkDataClient.CreateHttpClient(), new BulkExportOptions(stub.FhirBase)).ExportAsync(_folder);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9), $"two polls answered Retry-After: 1 but the export took {clock.Elapsed}");
    }

    public static TheoryData<string> Algorithms => new() { "RS384", "ES384" };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Smart_backend_services_signs_a_client_assertion_and_sends_the_token(string algorithm)
    {
        using AsymmetricAlgorithm key = algorithm == "RS384" ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP384);
        SecurityKey publicKey = key is RSA rsa ? new RsaSecurityKey(rsa.ExportParameters(false)) : new ECDsaSecurityKey(ECDsa.Create(((ECDsa)key).ExportParameters(false)));
        var pem = key is RSA r ? r.ExportPkcs8PrivateKeyPem() : ((ECDsa)key).ExportPkcs8PrivateKeyPem();
        await using var stub = await BulkDataStub.StartAsync(s =>
        {
            s.ClientPublicKey = publicKey;
            s.Files.Add(("Patient", BulkDataStub.Lines("Patient", 2)));
        });
        using var auth = new SmartBackendAuth(stub.TokenUrl, stub.ClientId, pem);

        var result = await Client(stub, auth).ExportAsync(_folder);

        Assert.Single(result.Files);
        Assert.Equal(algorithm, Assert.Single(stub.Algorithms));
    }

    [Fact]
    public async Task A_wrong_key_is_refused_with_a_clear_error()
    {
        using var key = RSA.Create(2048);
        using var other = RSA.Create(2048);
        await using var stub = await BulkDataStub.StartAsync(s =>
        {
            s.ClientPublicKey = new RsaSecurityKey(key.ExportParameters(false));
            s.Files.Add(("Patient", BulkDataStub.Lines("Patient", 2)));
        });
        using var auth = new SmartBackendAuth(stub.TokenUrl, stub.ClientId, other.ExportPkcs8PrivateKeyPem());

        var error = await Assert.ThrowsAsync<BulkDataException>(() => Client(stub, auth).ExportAsync(_folder));
        Assert.Contains("token endpoint refused the client (HTTP 400: invalid_client)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redirect_to_another_host_never_carries_the_token()
    {
        using var key = RSA.Create(2048);
        await using var stub = await BulkDataStub.StartAsync(s =>
        {
            s.ClientPublicKey = new RsaSecurityKey(key.ExportParameters(false));
            s.RedirectHost = "localhost"; // the stub listens on 127.0.0.1: same machine, another host name (origin)
            for (var i = 0; i < 5; i++)
            {
                s.Files.Add(("Observation", BulkDataStub.Lines("Observation", 2, i * 2)));
            }
        });
        using var auth = new SmartBackendAuth(stub.TokenUrl, stub.ClientId, key.ExportPkcs8PrivateKeyPem());

        await Client(stub, auth).ExportAsync(_folder);

        Assert.Equal(5, stub.BlobRequests.Count);
        Assert.All(stub.BlobRequests, b =>
        {
            Assert.Equal("localhost", b.Host);
            Assert.False(b.Authorized, "the bearer token was sent to another host");
        });
        Assert.Equal(stub.Files[4].Content, File.ReadAllText(Path.Combine(_folder, "Observation.004.ndjson")));
    }

    [Fact]
    public async Task A_redirect_on_the_same_origin_keeps_the_token()
    {
        using var key = RSA.Create(2048);
        await using var stub = await BulkDataStub.StartAsync(s =>
        {
            s.ClientPublicKey = new RsaSecurityKey(key.ExportParameters(false));
            s.RedirectHost = "127.0.0.1";
            s.Files.Add(("Observation", BulkDataStub.Lines("Observation", 2)));
        });
        using var auth = new SmartBackendAuth(stub.TokenUrl, stub.ClientId, key.ExportPkcs8PrivateKeyPem());

        await Client(stub, auth).ExportAsync(_folder);

        Assert.True(Assert.Single(stub.BlobRequests).Authorized);
    }

    [Fact]
    public async Task Expired_file_urls_start_the_export_again_once_then_fail_clearly()
    {
        await using (var stub = await BulkDataStub.StartAsync(s =>
        {
            s.Expired = job => job == 1;
            s.Files.Add(("Patient", BulkDataStub.Lines("Patient", 3)));
        }))
        {
            var result = await Client(stub).ExportAsync(_folder);
            Assert.Equal(1, result.Restarts);
            Assert.Equal(3, File.ReadLines(Path.Combine(_folder, "Patient.000.ndjson")).Count());
        }

        Directory.Delete(_folder, true);
        await using (var stub = await BulkDataStub.StartAsync(s =>
        {
            s.Expired = _ => true;
            s.Files.Add(("Patient", BulkDataStub.Lines("Patient", 3)));
        }))
        {
            var error = await Assert.ThrowsAsync<BulkDataException>(() => Client(stub).ExportAsync(_folder));
            Assert.Contains("expired (HTTP 410)", error.Message, StringComparison.Ordinal);
            Assert.False(Directory.Exists(_folder), "a failed download leaves its folder (patient data) behind");
        }
    }

    [Fact]
    public async Task A_signed_url_that_expired_with_403_starts_the_export_again()
    {
        // Object stores answer an expired signed URL with 403 (Amazon S3, Azure), not the 404/410 the IG names.
        using var key = RSA.Create(2048);
        await using (var stub = await BulkDataStub.StartAsync(s =>
        {
            s.ClientPublicKey = new RsaSecurityKey(key.ExportParameters(false));
            s.RedirectHost = "localhost"; // signed URLs on another host: no token goes there
            s.SignedUrlExpired = job => job == 1;
            s.Files.Add(("Patient", BulkDataStub.Lines("Patient", 3)));
        }))
        {
            using var auth = new SmartBackendAuth(stub.TokenUrl, stub.ClientId, key.ExportPkcs8PrivateKeyPem());
            var result = await Client(stub, auth).ExportAsync(_folder);
            Assert.Equal(1, result.Restarts);
            Assert.Equal(3, File.ReadLines(Path.Combine(_folder, "Patient.000.ndjson")).Count());
        }

        Directory.Delete(_folder, true);
        await using (var stub = await BulkDataStub.StartAsync(s =>
        {
            s.ClientPublicKey = new RsaSecurityKey(key.ExportParameters(false));
            s.RedirectHost = "localhost";
            s.SignedUrlExpired = _ => true;
            s.Files.Add(("Patient", BulkDataStub.Lines("Patient", 3)));
        }))
        {
            using var auth = new SmartBackendAuth(stub.TokenUrl, stub.ClientId, key.ExportPkcs8PrivateKeyPem());
            var error = await Assert.ThrowsAsync<BulkDataException>(() => Client(stub, auth).ExportAsync(_folder));
            Assert.Contains("refused (HTTP 403: a signed URL that expired", error.Message, StringComparison.Ordinal);
            Assert.False(Directory.Exists(_folder), "a failed download leaves its folder (patient data) behind");
        }
    }

    [Fact]
    public async Task A_403_to_the_clients_own_token_is_a_refusal_not_an_expiry()
    {
        using var key = RSA.Create(2048);
        await using var stub = await BulkDataStub.StartAsync(s =>
        {
            s.ClientPublicKey = new RsaSecurityKey(key.ExportParameters(false));
            s.RedirectHost = "127.0.0.1"; // the same origin: the token goes along, so a 403 refuses this client
            s.SignedUrlExpired = _ => true;
            s.Files.Add(("Patient", BulkDataStub.Lines("Patient", 3)));
        });
        using var auth = new SmartBackendAuth(stub.TokenUrl, stub.ClientId, key.ExportPkcs8PrivateKeyPem());

        var error = await Assert.ThrowsAsync<BulkDataException>(() => Client(stub, auth).ExportAsync(_folder));
        Assert.Contains("failed (HTTP 403)", error.Message, StringComparison.Ordinal);
        Assert.Single(stub.Log, l => l.EndsWith("/$export", StringComparison.Ordinal)); // not started again
    }

    [Fact]
    public async Task A_refused_kick_off_reports_the_servers_operation_outcome()
    {
        await using var stub = await BulkDataStub.StartAsync(s => s.KickOffOutcome = "Group ms-service not found");
        var error = await Assert.ThrowsAsync<BulkDataException>(() => Client(stub, group: "ms-service").ExportAsync(_folder));
        Assert.Contains("HTTP 404: Group ms-service not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_synthetic_cohort_exported_by_the_server_screens_as_the_same_files_on_disk()
    {
        var source = Path.Combine(_folder, "source");
        CohortGenerator.Generate(new SynthOptions(120, 8, new DateOnly(2026, 5, 11), source, 256 * 1024));
        await using var stub = await BulkDataStub.StartAsync(s =>
        {
            s.ServeFolder(source);
            s.File429s = 1;
        });

        var downloaded = Path.Combine(_folder, "downloaded");
        await Client(stub).ExportAsync(downloaded);
        var asOf = new DateOnly(2026, 5, 11);
        ScreenRun.Run(new ScreenOptions(source, Path.Combine(_folder, "local"), asOf));
        ScreenRun.Run(new ScreenOptions(downloaded, Path.Combine(_folder, "remote"), asOf));

        var local = File.ReadAllText(Path.Combine(_folder, "local", "patients.csv"));
        Assert.Equal(121, local.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // header + 120 patients
        Assert.Equal(local, File.ReadAllText(Path.Combine(_folder, "remote", "patients.csv")));
    }
}
