using System.Net;
using Npgsql;

namespace MsRelapse.Server.Tests;

/// <summary>Runs when <c>MSRELAPSE_TEST_POSTGRES</c> is set; skipped without it, except under <c>CI=true</c>, where it fails.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public const string Variable = "MSRELAPSE_TEST_POSTGRES";

    public PostgresFactAttribute()
    {
        var ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)) && !ci)
        {
            Skip = $"{Variable} is not set (scripts/postgres-test-cluster.sh start): scale-out test skipped locally; under CI=true it fails instead.";
        }
    }
}

/// <summary>Two <c>serve</c> processes on one PostgreSQL database behave as one service.</summary>
public sealed class ScaleOutTests
{
    [PostgresFact]
    public async Task Two_serve_processes_on_one_PostgreSQL_database_share_patients_and_one_of_two_conflicting_writes_gets_412()
    {
        var admin = Environment.GetEnvironmentVariable(PostgresFactAttribute.Variable);
        Assert.False(string.IsNullOrEmpty(admin), $"CI=true but {PostgresFactAttribute.Variable} is not set: test.sh must start PostgreSQL (scripts/postgres-test-cluster.sh).");
        var name = "msrelapse_scale_" + Guid.NewGuid().ToString("N")[..12];
        await Execute(admin!, $"CREATE DATABASE \"{name}\"");
        try
        {
            var connection = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
            // Both start at once on the empty database: migrations and demo seeding must not trip over each other.
            var starting = new[] { ServeProcess.StartAsync(connection), ServeProcess.StartAsync(connection) };
            using var a = await starting[0];
            using var b = await starting[1];

            // The demo patients were seeded once, and both serve them.
            var listA = await a.Client.GetStringAsync("/api/patients?pageSize=100");
            Assert.Equal(listA, await b.Client.GetStringAsync("/api/patients?pageSize=100"));
            Assert.Contains("\"total\":7", listA, StringComparison.Ordinal);

            // A write on one is visible on the other.
            using var created = await a.Client.PutAsync("/api/patients/scale-1", TestHost.Fhir(PatientApiTests.Bundle("scale-1")));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            using var seen = await b.Client.GetAsync("/api/patients/scale-1");
            Assert.Equal(HttpStatusCode.OK, seen.StatusCode);
            Assert.Equal("W/\"1\"", seen.Headers.ETag?.ToString());

            // Two clinicians both edit version 1, one through each process: exactly one wins, the other gets 412.
            var writes = new[] { (a, "steroid-refractory-relapse"), (b, "aqp4-positive-myelitis") }.Select(async x =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Put, "/api/patients/scale-1") { Content = TestHost.Fhir(PatientApiTests.Bundle("scale-1", x.Item2)) };
                request.Headers.TryAddWithoutValidation("If-Match", "W/\"1\"");
                using var response = await x.Item1.Client.SendAsync(request);
                return response.StatusCode;
            });
            var statuses = await Task.WhenAll(writes);
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.PreconditionFailed], statuses.Order());

            using var finalA = await a.Client.GetAsync("/api/patients/scale-1");
            using var finalB = await b.Client.GetAsync("/api/patients/scale-1");
            Assert.Equal("W/\"2\"", finalA.Headers.ETag?.ToString());
            Assert.Equal(await finalA.Content.ReadAsStringAsync(), await finalB.Content.ReadAsStringAsync());
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await Execute(admin!, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }
    }

    private static async Task Execute(string connection, string sql)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync();
    }
}
