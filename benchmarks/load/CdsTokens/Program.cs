using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

// Usage: msrelapse-load-cds-tokens COUNT ISSUER AUDIENCE TOKENS_FILE JWKS_FILE
// Writes COUNT ES384 tokens (one per line, each with its own jti, iat = now, exp = now + 5 min) signed by a new P-384
// key, and the key's public JWK Set, for benchmarks/load/cds.sh.
if (args.Length != 5 || !int.TryParse(args[0], out var count) || count < 1)
{
    Console.Error.WriteLine("usage: msrelapse-load-cds-tokens COUNT ISSUER AUDIENCE TOKENS_FILE JWKS_FILE");
    return 2;
}

using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
var p = key.ExportParameters(false);
var jwks = new JsonObject
{
    ["keys"] = new JsonArray(new JsonObject { ["kty"] = "EC", ["kid"] = "load-es384", ["use"] = "sig", ["crv"] = "P-384", ["x"] = B64(p.Q.X!), ["y"] = B64(p.Q.Y!) }),
};
File.WriteAllText(args[4], jwks.ToJsonString());

var header = B64(Encoding.UTF8.GetBytes("""{"alg":"ES384","typ":"JWT","kid":"load-es384"}"""));
var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
using var output = new StreamWriter(args[3]);
for (var i = 0; i < count; i++)
{
    var payload = new JsonObject { ["iss"] = args[1], ["sub"] = "load-client", ["aud"] = args[2], ["iat"] = now, ["exp"] = now + 300, ["jti"] = Guid.NewGuid().ToString() };
    var input = header + "." + B64(Encoding.UTF8.GetBytes(payload.ToJsonString()));
    output.WriteLine(input + "." + B64(key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA384)));
}

return 0;

static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
