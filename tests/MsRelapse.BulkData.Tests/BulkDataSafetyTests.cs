using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace MsRelapse.BulkData.Tests;

/// <summary>
/// The review of the Bulk Data client (A: partial exports; B: the token's reach; C: the protocol's waits, retries and
/// clean-up, keys; D: messages): each test holds one finding against the in-process stub.
/// </summary>
public sealed class BulkDataSafetyTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "msr-bulk-" + Guid.NewGuid().ToString("N"));
    private readonly InstantClock _clock = new();

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private BulkDataClient Client(BulkDataStub stub, SmartBackendAuth? auth = null, Func<BulkExportOptions, BulkExportOptions>? options = null) =>
        new(BulkDataClient.CreateHttpClient(), (options ?? (o => o))(new BulkExportOptions(stub.FhirBase)), auth, _clock);

    private static string Outcome(string severity, string code, string diagnostics) =>
        JsonSerializer.Serialize(new { resourceType = "OperationOutcome", issue = new[] { new { severity, code, diagnostics } } }) + "\n";

    private static RSA Key(out SecurityKey publicKey)
    {
        var key = RSA.Create(2048);
        publicKey = new RsaSecurityKey(key.ExportParameters(false));
        return key;
    }

    // ---- A1: the manifest's error files ---------------------------------------------------------------------------

    [Fact]
    public async Task Error_files_are_read_counted_without_patient_ids_and_make_the_export_incomplete()
    {
        await using var stub = await BulkDataStub.StartAsync(s =>
        {
            s.Files.Add(("Patient", BulkDataStub.Lines("Patient", 3)));
            s.ErrorFiles.Add(Outcome("error", "processing", "Observation export failed for Patient/p-123 (partition 3 timed out)")
                + Outcome("error", "processing", "Observation export failed for Patient/p-456 (partition 3 timed out)")
                + Outcome("warning", "informational", "Encounter is not exported"));
        });

        var result = await Client(stub).ExportAsync(_folder);

        Assert.False(result.Complete);
        Assert.Equal((1, 3L, 2L), (result.Errors.Files, result.Errors.Issues, result.Errors.Errors));
        var first = result.Errors.Kinds[0];
        Assert.Equal(("error", "processing", 2L), (first.Severity, first.Code, first.Count));
        Assert.Equal("Observation export failed for Patient/… (partition 3 timed out)", first.Diagnostics);
        Assert.DoesNotContain("p-123", result.Errors.Describe(), StringComparison.Ordinal);
        Assert.Contains("3 issues (2 errors) in 1 error file", result.Errors.Describe(), StringComparison.Ordinal);
        // The export is kept for the caller to decide, marked as incomplete; the error file beside it, not in it.
        Assert.StartsWith("INCOMPLETE: the server reported", File.ReadAllText(Path.Combine(_folder, BulkDataClient.IncompleteMarker)), StringComparison.Ordinal);
        Assert.NotNull(BulkDataClient.IncompleteReason(_folder));
        Assert.Equal(new[] { "Patient.000.ndjson" }, Directory.GetFiles(_folder, "*.ndjson").Select(Path.GetFileName));
        Assert.True(File.Exists(Path.Combine(_folder, BulkDataClient.ErrorFolder, "OperationOutcome.000.ndjson")));

        BulkDataClient.Discard(_folder, deleteFolder: true);
        Assert.False(Directory.Exists(_folder));
    }

    [Fact]
    public async Task Warnings_only_in_the_error_files_leave_the_export_complete_and_unmarked()
    {
        await using var stub = await BulkDataStub.StartAsync(s =>
        {
            s.Files.Add(("Patient", BulkDataStub.Lines("Patient", 3)));
            s.ErrorFiles.Add(Outcome("information", "informational", "Encounter is not exported"));
        });

        var result = await Client(stub).ExportAsync(_folder);

        Assert.True(result.Complete);
        Assert.Equal(1, result.Errors.Issues);
        Assert.Null(BulkDataClient.IncompleteReason(_folder));
    }

    // ---- A2: transfers cut short -------------------------------------------------------------------------------

    [Theory]
    [InlineData(CutMode.Gzip)] // half the gzip stream, its Content-Length matching: .NET's decoder ends it silently
    [InlineData(CutMode.MidLine)] // a whole HTTP response whose content stops inside a line
    [InlineData(CutMode.Abort)] // the connection dropped before Content-Length
    public async Task A_file_cut_short_once_is_downloaded_again_whole(CutMode cut)
    {
        var content = BulkDataStub.Lines("Observation", 400);
        await using var stub = await BulkDataStub.StartAsync(s =>
        {
            s.Cut = cut;
            s.Cuts = 1;
            s.Files.Add(("Observation", content));
        });

        await Client(stub).ExportAsync(_folder);

        Assert.Equal(content, File.ReadAllText(Path.Combine(_folder, "Observation.000.ndjson")));
        Assert.Equal(2, stub.FileRequests.Count);
    }

    [Theory]
    [InlineData(CutMode.Gzip, "its gzip stream stopped before its end")]
    [InlineData(CutMode.MidLine, "its last line is cut")]
    [InlineData(CutMode.Abort, "the connection")]
    public async Task A_file_cut_short_every_time_fails_the_export_by_name_and_leaves_nothing(CutMode cut, string why)
    {
        await using var stub = await BulkDataStub.StartAsync(s =>
        {
            s.Cut = cut;
            s.Cuts = int.MaxValue;
            s.Files.Add(("Patient", BulkDataStub.Lines("Patient", 5)));
            s.Files.Add(("Observation", BulkDataStub.Lines("Observation", 400)));
        });

        var error = await Assert.ThrowsAsync<BulkDataException>(() => Client(stub).ExportAsync(_folder));

        Assert.Contains($"the download of {stub.BaseUrl}files/1/", error.Message, StringComparison.Ordinal);
        Assert.Contains($"was cut short ({why}", error.Message, StringComparison.Ordinal);
        Assert.Contains("), 3 times", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("cannot reach", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder));
    }

    [Fact]
    public async Task Gzip_files_are_decoded_and_a_last_line_without_its_newline_is_kept_when_whole()
    {
        var content = BulkDataStub.Lines("Patient", 50).TrimEnd('\n');
        await using var stub = await BulkDataStub.StartAsync(s =>
        {
            s.Gzip = true;
            s.Files.Add(("Patient", content));
        });

        await Client(stub).ExportAsync(_folder);

        Assert.Equal(content, File.ReadAllText(Path.Combine(_folder, "Patient.000.ndjson")));
    }

    // ---- A3 / C3: nothing left behind, the job deleted on every exit ----------------------------------------------

    [Fact]
    public async Task A_cancelled_download_leaves_no_file_and_deletes_the_job()
    {
        await using var stub = await BulkDataStub.StartAsync(s =>
        {
            s.FileDelay = TimeSpan.FromMilliseconds(300);
            for (var i = 0; i < 6; i++)
            {
                s.Files.Add(("Observation", BulkDataStub.Lines("Observation", 20, i * 20)));
            }
        });
        using var cancel = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client(stub, options: o => o with { MaxParallelDownloads = 1 })
            .ExportAsync(_folder, p => { if (p.FilesDone == 1) { cancel.Cancel(); } }, cancel.Token));

        Assert.False(Directory.Exists(_folder), "the partial download (patient data) stayed on disk");
        Assert.Contains("DELETE /status/1", stub.Log);
    }

    [Fact]
    public async Task The_status_url_is_deleted_before_a_restart_and_when_the_job_fails()
    {
        await using (var stub = await BulkDataStub.StartAsync(s =>
        {
            s.Expired = job => job == 1;
            s.Files.Add(("Patient", BulkDataStub.Lines("Patient", 3)));
        }))
        {
            await Client(stub).ExportAsync(_folder);
            var log = stub.Log.ToList();
            Assert.True(log.IndexOf("DELETE /status/1") < log.LastIndexOf("GET /fhir/Patient/$export"), "the expired job was not deleted before the second kick-off");
            Assert.Contains("DELETE /status/2", log);
        }

        Directory.Delete(_folder, true);
        await using (var stub = await BulkDataStub.StartAsync(s => s.PollFails = true))
        {
            var error = await Assert.ThrowsAsync<BulkDataException>(() => Client(stub).ExportAsync(_folder));
            Assert.Contains("export job failed: out of disk", error.Message, StringComparison.Ordinal);
            Assert.Contains("DELETE /status/1", stub.Log);
        }
    }

    [Fact]
    public async Task A_delete_answered_401_is_sent_again_with_a_fresh_token()
    {
        using var key = Key(out var publicKey);
        await using var stub = await BulkDataStub.StartAsync(s =>
        {
            s.ClientPublicKey = publicKey;
            s.Delete401s = 1;
            s.Files.Add(("Patient", BulkDataStub.Lines("Patient", 2)));
        });
        using var auth = new SmartBackendAuth(stub.TokenUrl, stub.ClientId, key.ExportPkcs8PrivateKeyPem(), clock: _clock);

        await Client(stub, auth).ExportAsync(_folder);

        Assert.Equal(2, stub.Log.Count(l => l == "DELETE /status/1"));
        Assert.Equal(2, stub.Log.Count(l => l == "POST /auth/token"));
    }

    [Fact]
    public async Task The_export_timeout_is_reported_as_a_timeout_and_leaves_nothing()
    {
        await using var stub = await BulkDataStub.StartAsync(s =>
        {
            s.PollsBeforeReady = 1000;
            s.RetryAfterSeconds = 1;
        });

        var error = await Assert.ThrowsAsync<BulkDataException>(() =>
            new BulkDataClient(BulkDataClient.CreateHttpClient(), new BulkExportOptions(stub.FhirBase) { Timeout = TimeSpan.FromMilliseconds(300) }).ExportAsync(_folder));

        Assert.Contains("timed out", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder));
        Assert.Contains("DELETE /status/1", stub.Log);
    }

    // ---- B1: where the token goes ------------------------------------------------------------------------------

    [Fact]
    public async Task Files_on_another_host_get_the_token_only_when_that_host_is_allowed()
    {
        using var key = Key(out var publicKey);
        await using var stub = await BulkDataStub.StartAsync(s =>
        {
            s.ClientPublicKey = publicKey;
            s.FileHost = "localhost"; // the stub listens on 127.0.0.1: same machine, another origin
            s.Files.Add(("Patient", BulkDataStub.Lines("Patient", 2)));
        });
        using var auth = new SmartBackendAuth(stub.TokenUrl, stub.ClientId, key.ExportPkcs8PrivateKeyPem(), clock: _clock);

        var error = await Assert.ThrowsAsync<BulkDataException>(() => Client(stub, auth).ExportAsync(_folder));
        Assert.Contains($"--token-host localhost:{stub.BaseUrl.Port}", error.Message, StringComparison.Ordinal);
        Assert.Empty(stub.FileRequests); // refused before any request: the token never left
        Assert.False(Directory.Exists(_folder));

        await Client(stub, auth, o => o with { TokenHosts = ["localhost"] }).ExportAsync(_folder);
        Assert.All(stub.FileRequests, f => Assert.Equal(("localhost", true), f));
    }

    [Fact]
    public async Task A_status_url_on_another_host_does_not_get_the_token()
    {
        using var key = Key(out var publicKey);
        await using var stub = await BulkDataStub.StartAsync(s =>
        {
            s.ClientPublicKey = publicKey;
            s.StatusHost = "localhost";
        });
        using var auth = new SmartBackendAuth(stub.TokenUrl, stub.ClientId, key.ExportPkcs8PrivateKeyPem(), clock: _clock);

        var error = await Assert.ThrowsAsync<BulkDataException>(() => Client(stub, auth).ExportAsync(_folder));

        Assert.StartsWith("the status URL http://localhost:", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(stub.Log, l => l.StartsWith("GET /status", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Http_urls_off_loopback_are_refused_before_any_request()
    {
        // 192.0.2.2 (TEST-NET-1): never reached; the client must refuse it before it tries.
        await using var stub = await BulkDataStub.StartAsync(s => s.StatusHost = "http://192.0.2.2:5493/");
        var error = await Assert.ThrowsAsync<BulkDataException>(() => Client(stub).ExportAsync(_folder));
        Assert.Contains("http://192.0.2.2:5493/status/1 uses http on a non-loopback host", error.Message, StringComparison.Ordinal);

        await using var files = await BulkDataStub.StartAsync(s =>
        {
            s.Files.Add(("Patient", BulkDataStub.Lines("Patient", 2)));
            s.ExtraOutput.Add(("Observation", "http://192.0.2.2:5493/files/1/Observation.000.ndjson"));
        });
        error = await Assert.ThrowsAsync<BulkDataException>(() => Client(files).ExportAsync(_folder));
        Assert.Contains("uses http on a non-loopback host", error.Message, StringComparison.Ordinal);
        Assert.Empty(files.FileRequests);
    }

    // ---- C1 / C2: waits and retries ---------------------------------------------------------------------------

    [Fact]
    public async Task Retry_after_zero_or_in_the_past_is_floored_and_backed_off()
    {
        await using var stub = await BulkDataStub.StartAsync(s =>
        {
            s.KickOff429s = 3; // Retry-After: 0
            s.PollsBeforeReady = 3;
            s.PollRetryAfter = DateTimeOffset.UtcNow.AddDays(-1).ToString("r");
            s.Files.Add(("Patient", BulkDataStub.Lines("Patient", 2)));
        });

        await Client(stub).ExportAsync(_folder);

        var s2 = TimeSpan.FromSeconds(2);
        Assert.Equal(new[] { s2, 2 * s2, 4 * s2, s2, 2 * s2, 4 * s2 }, _clock.Waits.ToArray()); // three 429s, then three polls: 2, 4, 8 s each
    }

    [Fact]
    public async Task A_throttled_token_endpoint_saying_retry_after_zero_is_waited_at_least_the_floor()
    {
        using var key = Key(out var publicKey);
        await using var stub = await BulkDataStub.StartAsync(s =>
        {
            s.ClientPublicKey = publicKey;
            s.Token429s = 2; // Retry-After: 0
            s.Files.Add(("Patient", BulkDataStub.Lines("Patient", 2)));
        });
        using var auth = new SmartBackendAuth(stub.TokenUrl, stub.ClientId, key.ExportPkcs8PrivateKeyPem(), clock: _clock);

        await Client(stub, auth).ExportAsync(_folder);

        Assert.Equal(new[] { TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4) }, _clock.Waits.ToArray());
    }

    [Fact]
    public void Retry_after_is_honoured_from_the_floor_to_the_ceiling()
    {
        var timing = RetryTiming.Default;
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(1), timing.Wait(response, TimeProvider.System, 5));
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromHours(1));
        Assert.Equal(TimeSpan.FromMinutes(2), timing.Wait(response, TimeProvider.System, 1));
        Assert.Equal(TimeSpan.FromMinutes(1), timing.Backoff(20));
    }

    [Fact]
    public async Task A_transient_error_while_polling_is_tried_again()
    {
        await using var stub = await BulkDataStub.StartAsync(s =>
        {
            s.TransientPolls = 2;
            s.Files.Add(("Patient", BulkDataStub.Lines("Patient", 2)));
        });

        var result = await Client(stub).ExportAsync(_folder);

        Assert.Single(result.Files);
        Assert.Equal(3, stub.Log.Count(l => l == "GET /status/1"));
        Assert.Equal(new[] { TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4) }, _clock.Waits.ToArray());
    }

    // ---- C4 / C5 / D1 / D2 / D3: keys ----------------------------------------------------------------------------

    private static string Jwk(RSA rsa, string? kid, bool withPrivate = true)
    {
        var p = rsa.ExportParameters(withPrivate);
        var members = new Dictionary<string, string> { ["kty"] = "RSA", ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent) };
        if (withPrivate)
        {
            members["d"] = Base64UrlEncoder.Encode(p.D);
            members["p"] = Base64UrlEncoder.Encode(p.P);
            members["q"] = Base64UrlEncoder.Encode(p.Q);
            members["dp"] = Base64UrlEncoder.Encode(p.DP);
            members["dq"] = Base64UrlEncoder.Encode(p.DQ);
            members["qi"] = Base64UrlEncoder.Encode(p.InverseQ);
        }

        if (kid is not null)
        {
            members["kid"] = kid;
        }

        return JsonSerializer.Serialize(members);
    }

    [Fact]
    public async Task A_jwk_or_jwks_signs_under_its_kid_and_kid_overrides_the_thumbprint()
    {
        using var key = Key(out var publicKey);
        using var other = RSA.Create(2048);
        await using var stub = await BulkDataStub.StartAsync(s =>
        {
            s.ClientPublicKey = publicKey;
            s.Files.Add(("Patient", BulkDataStub.Lines("Patient", 2)));
        });

        using (var auth = new SmartBackendAuth(stub.TokenUrl, stub.ClientId, Jwk(key, "my-rsa-key"), clock: _clock))
        {
            await Client(stub, auth).ExportAsync(_folder);
        }

        Directory.Delete(_folder, true);
        var jwks = $"{{\"keys\":[{Jwk(other, "old-key")},{Jwk(key, "new-key")}]}}";
        using (var auth = new SmartBackendAuth(stub.TokenUrl, stub.ClientId, jwks, keyId: "new-key", clock: _clock))
        {
            await Client(stub, auth).ExportAsync(_folder);
        }

        using var pem = new SmartBackendAuth(stub.TokenUrl, stub.ClientId, key.ExportPkcs8PrivateKeyPem(), keyId: "registered-kid");
        Assert.Equal("registered-kid", pem.KeyId);
        Assert.Equal(new[] { "my-rsa-key", "new-key" }, stub.Kids.ToArray());
        var error = Assert.Throws<BulkDataException>(() => new SmartBackendAuth(stub.TokenUrl, stub.ClientId, jwks));
        Assert.Contains("2 private keys: name the registered one with --kid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ec_jwk_on_p384_signs_es384()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var p = ec.ExportParameters(true);
        var jwk = JsonSerializer.Serialize(new { kty = "EC", crv = "P-384", x = Base64UrlEncoder.Encode(p.Q.X), y = Base64UrlEncoder.Encode(p.Q.Y), d = Base64UrlEncoder.Encode(p.D), kid = "my-ec-key" });
        using var auth = new SmartBackendAuth(new Uri("https://ehr.example.org/token"), "client", jwk);
        Assert.Equal(("ES384", "my-ec-key"), (auth.Algorithm, auth.KeyId));
    }

    public static TheoryData<string, string> BadKeys()
    {
        using var small = RSA.Create(1024);
        using var rsa = RSA.Create(2048);
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new()
        {
            { small.ExportPkcs8PrivateKeyPem(), "the RSA key has 1024 bits; at least 2048 are needed" },
            { rsa.ExportSubjectPublicKeyInfoPem(), "is a public key; the private key is needed" },
            { rsa.ExportRSAPublicKeyPem(), "is a public key; the private key is needed" },
            { Jwk(rsa, "k", withPrivate: false), "is a public key; the private key is needed" },
            { rsa.ExportEncryptedPkcs8PrivateKeyPem("secret", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000)), "encrypted keys are not supported: decrypt it first" },
            { "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n", "encrypted keys are not supported: decrypt it first" },
            { p256.ExportPkcs8PrivateKeyPem(), "the EC key is P-256; SMART Backend Services ES384 needs a P-384 key" },
            { "not a key", "is not a PEM or JWK private key" },
        };
    }

    [Theory]
    [MemberData(nameof(BadKeys))]
    public void Unusable_keys_are_refused_with_the_reason(string key, string reason)
    {
        var error = Assert.Throws<BulkDataException>(() => new SmartBackendAuth(new Uri("https://ehr.example.org/token"), "client", key));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    // ---- D4 / D5 / D7: the token endpoint's answers, the manifest's URLs --------------------------------------------

    [Theory]
    [InlineData(400, "{\"error\":\"invalid_client\",\"error_description\":\"kid my-rsa-key not found\\nin the\\u001b[31m registered JWKS\"}", "HTTP 400: invalid_client: kid my-rsa-key not found in the [31m registered JWKS)")]
    [InlineData(200, "{\"access_token\":12345,\"token_type\":\"bearer\",\"expires_in\":300}", "malformed token response")]
    [InlineData(200, "{\"access_token\":\"a b\",\"expires_in\":\"soon\"}", "malformed token response")]
    [InlineData(200, "[1,2]", "malformed token response")]
    public async Task The_token_endpoints_answers_are_reported_in_words(int status, string body, string message)
    {
        using var key = Key(out var publicKey);
        await using var stub = await BulkDataStub.StartAsync(s =>
        {
            s.ClientPublicKey = publicKey;
            s.TokenAnswer = (status, body);
        });
        using var auth = new SmartBackendAuth(stub.TokenUrl, stub.ClientId, key.ExportPkcs8PrivateKeyPem(), clock: _clock);

        var error = await Assert.ThrowsAsync<BulkDataException>(() => Client(stub, auth).ExportAsync(_folder));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', error.Message);
    }

    [Fact]
    public async Task A_manifest_naming_a_file_url_is_refused()
    {
        await using var stub = await BulkDataStub.StartAsync(s =>
        {
            s.Files.Add(("Patient", BulkDataStub.Lines("Patient", 2)));
            s.ExtraOutput.Add(("Patient", "file:///etc/hostname"));
        });

        var error = await Assert.ThrowsAsync<BulkDataException>(() => Client(stub).ExportAsync(_folder));

        Assert.Equal("the export manifest names a file: URL, not http(s); refused", error.Message);
        Assert.Empty(stub.FileRequests);
        Assert.Contains("DELETE /status/1", stub.Log);
    }
}
