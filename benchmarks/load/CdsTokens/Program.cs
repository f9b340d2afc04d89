using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

// Usage: msrelapse-load-cds-tokens COUNT ISSUER AUDIENCE TOKENS_FILE JWKS_FILE [RS384_COUNT RS384_TOKENS_FILE]
//        msrelapse-load-cds-tokens --verify-rate SECONDS   (ES384 checks a second on one core, as the service makes them)
// Writes COUNT ES384 tokens (one per line, each with its own jti, iat = now, exp = now + 5 min) signed by a new P-384
// key, optionally RS384_COUNT RS384 tokens signed by a new RSA-2048 key (the other algorithm CDS Hooks 2.0 allows),
// and the public JWK Set of the keys, for benchmarks/load/cds.sh. Signing runs on every core, each thread with its own
// copy of the key: a P-384 signature takes about 0.8 ms here and the tokens must still be alive when the last run ends.
if (args is ["--verify-rate", var secondsText] && double.TryParse(secondsText, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
{
    // What one core checks per second of ES384 signatures the way the service does (Bouncy Castle's P-384 arithmetic,
    // Infrastructure/P384Signatures.cs): the figure beside `openssl speed` in benchmarks/README.md.
    Console.WriteLine(VerifyRate(seconds).ToString("F0", System.Globalization.CultureInfo.InvariantCulture));
    return 0;
}

if (args.Length is not (5 or 7) || !int.TryParse(args[0], out var count) || count < 1
    || (args.Length == 7 && (!int.TryParse(args[5], out var rsCount) || rsCount < 1)))
{
    Console.Error.WriteLine("usage: msrelapse-load-cds-tokens COUNT ISSUER AUDIENCE TOKENS_FILE JWKS_FILE [RS384_COUNT RS384_TOKENS_FILE]");
    return 2;
}

var (issuer, audience) = (args[1], args[2]);
var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
var p = ec.ExportParameters(false);
var keys = new JsonArray(new JsonObject { ["kty"] = "EC", ["kid"] = "load-es384", ["use"] = "sig", ["crv"] = "P-384", ["x"] = B64(p.Q.X!), ["y"] = B64(p.Q.Y!) });
var ecPrivate = ec.ExportParameters(true);
using var ecPerThread = new ThreadLocal<ECDsa>(() => ECDsa.Create(ecPrivate));
Write(args[3], count, "ES384", "load-es384", input => ecPerThread.Value!.SignData(input, HashAlgorithmName.SHA384));

if (args.Length == 7)
{
    using var rsa = RSA.Create(2048);
    var r = rsa.ExportParameters(false);
    keys.Add(new JsonObject { ["kty"] = "RSA", ["kid"] = "load-rs384", ["use"] = "sig", ["n"] = B64(r.Modulus!), ["e"] = B64(r.Exponent!) });
    var rsaPrivate = rsa.ExportParameters(true);
    using var rsaPerThread = new ThreadLocal<RSA>(() => { var k = RSA.Create(); k.ImportParameters(rsaPrivate); return k; });
    Write(args[6], int.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture), "RS384", "load-rs384",
        input => rsaPerThread.Value!.SignData(input, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1));
}

File.WriteAllText(args[4], new JsonObject { ["keys"] = keys }.ToJsonString());
return 0;

void Write(string path, int n, string alg, string kid, Func<byte[], byte[]> sign)
{
    var header = B64(Encoding.UTF8.GetBytes($$"""{"alg":"{{alg}}","typ":"JWT","kid":"{{kid}}"}"""));
    var tokens = new string[n];
    Parallel.For(0, n, i =>
    {
        var payload = new JsonObject { ["iss"] = issuer, ["sub"] = "load-client", ["aud"] = audience, ["iat"] = now, ["exp"] = now + 300, ["jti"] = Guid.NewGuid().ToString() };
        var input = header + "." + B64(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        tokens[i] = input + "." + B64(sign(Encoding.ASCII.GetBytes(input)));
    });
    File.WriteAllLines(path, tokens);
}

static double VerifyRate(double seconds)
{
    using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
    var q = key.ExportParameters(false).Q;
    var jwk = new Microsoft.IdentityModel.Tokens.JsonWebKey { Kty = "EC", Crv = "P-384", X = B64(q.X!), Y = B64(q.Y!) };
    var inputs = Enumerable.Range(0, 256).Select(i => Encoding.ASCII.GetBytes($"header.payload-{i}")).ToArray();
    var signatures = inputs.Select(i => key.SignData(i, HashAlgorithmName.SHA384)).ToArray();
    // Warm for a second: the key's precomputation, and the tiered JIT's optimised code (as in a service that has run).
    var warm = System.Diagnostics.Stopwatch.StartNew();
    for (var i = 0; warm.Elapsed.TotalSeconds < 1; i++)
    {
        Check(i);
    }

    var clock = System.Diagnostics.Stopwatch.StartNew();
    var done = 0;
    while (clock.Elapsed.TotalSeconds < seconds)
    {
        Check(done++);
    }

    return done / clock.Elapsed.TotalSeconds;

    void Check(int i)
    {
        if (MsRelapse.Server.Infrastructure.P384Signatures.Verify(jwk, inputs[i % inputs.Length], signatures[i % inputs.Length]) != true)
        {
            throw new InvalidOperationException("a valid signature was refused");
        }
    }
}

static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
