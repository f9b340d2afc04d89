using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace MsRelapse.Server.Infrastructure;

/// <summary>
/// Completes the OpenAPI document (<c>/openapi/v1.json</c>, OpenAPI 3.0 so that every generator reads it): the
/// response schemas come from the endpoints' typed results; this adds what code signatures cannot say — every query
/// parameter with its range, the conditional-request headers and ETag, the contract documents of
/// <c>shared/contract</c> as component schemas, and one problem-document schema whose <c>code</c> lists every value.
/// </summary>
public static class OpenApiDocumentation
{
    /// <summary>The problem document's component schema name.</summary>
    public const string ProblemSchema = "ProblemDocument";

    /// <summary>Every problem <c>code</c> the service answers with.</summary>
    public static IReadOnlyList<string> ProblemCodeValues { get; } =
        [.. typeof(ProblemCodes).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).Order(StringComparer.Ordinal)];

    /// <summary>Registers the document with its transformer.</summary>
    public static IServiceCollection AddMsRelapseOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            o.OpenApiVersion = OpenApiSpecVersion.OpenApi3_0;
            o.AddDocumentTransformer((document, _, _) =>
            {
                Complete(document);
                return Task.CompletedTask;
            });
        });

    private static void Complete(OpenApiDocument document)
    {
        document.Info.Title = "MsRelapse API";
        document.Info.Description = "Decision support for multiple sclerosis relapses (for clinicians; it recommends, it does not decide). " +
            "Errors are RFC 9457 problem documents with a stable code.";
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        foreach (var (name, schema) in ContractSchemas())
        {
            document.Components.Schemas[name] = schema;
        }

        foreach (var (path, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                Describe(document, method.Method, path, operation);
            }
        }
    }

    private static void Describe(OpenApiDocument document, string method, string path, OpenApiOperation operation)
    {
        // Summaries that come from XML documentation arrive entity-encoded ("&amp;"): the document carries plain text.
        operation.Summary = operation.Summary is { } summary ? System.Net.WebUtility.HtmlDecode(summary) : null;
        operation.Description = operation.Description is { } description ? System.Net.WebUtility.HtmlDecode(description) : null;
        var endpoint = method + " " + path;
        switch (endpoint)
        {
            case "POST /api/evaluate" or "POST /api/patients/{id}/evaluations":
                Query(operation, "asOf", Date(), false, "Evaluation date, YYYY-MM-DD within 0002-01-01…9999-11-23 (default: the server's today). A date after today is evaluated and flagged with the MsRelapse-AsOf-Future response header.");
                Header(operation, "2", FutureDates.Header, "true when asOf is after the server's date (planning, replay).");
                break;
            case "GET /api/patients":
                Query(operation, "q", Text(200), false, "Search: a patient-id prefix or part of a name (at most 200 characters).");
                Query(operation, "page", Integer(1, Storage.PatientQuery.MaxPage), false, "Page number, from 1 (default 1).");
                Query(operation, "pageSize", Integer(1, Storage.PatientQuery.MaxPageSize), false, $"Patients per page (default {Storage.PatientQuery.DefaultPageSize}).");
                break;
            case "GET /api/patients/{id}":
                RequestHeader(operation, "If-None-Match", "An ETag from an earlier read: 304 when the record has not changed.");
                Header(operation, "200", "ETag", "The record's version as a weak entity tag, W/\"n\".");
                break;
            case "PUT /api/patients/{id}":
                RequestHeader(operation, "If-Match", "Write only if the record is still at this version (W/\"n\"); 412 otherwise.");
                RequestHeader(operation, "If-None-Match", "\"*\": create only; 412 when the record exists.");
                Header(operation, "200", "ETag", "The new version.");
                Header(operation, "201", "ETag", "The new version (1).");
                break;
            case "POST /api/patients/{id}/resources":
                RequestHeader(operation, "If-Match", "Append only if the record is still at this version; without it the resources are merged into whatever is current.");
                Header(operation, "200", "ETag", "The new version.");
                break;
            case "DELETE /api/patients/{id}":
                RequestHeader(operation, "If-Match", "Delete only if the record is still at this version.");
                break;
            case "GET /api/edss":
                foreach (var (name, max) in new[] { ("visual", 6), ("brainstem", 5), ("pyramidal", 6), ("cerebellar", 5), ("sensory", 6), ("bowelBladder", 6), ("cerebral", 5), ("ambulation", 12) })
                {
                    Query(operation, name, Integer(0, max), false, $"Raw {name} score, 0–{max}{(name == "ambulation" ? " (Neurostatus ambulation score)" : "")}; absent means not assessed.");
                }

                break;
            case "GET /api/tpe-plan":
                Query(operation, "sex", new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("male"), JsonValue.Create("female")] }, true, "male or female (Nadler's blood-volume formula differs).");
                Query(operation, "heightCm", Number(40, 250), true, "Height, cm.");
                Query(operation, "weightKg", Number(2, 400), true, "Weight, kg.");
                Query(operation, "hematocrit", Number(10, 70), true, "Hematocrit in percent (44, not 0.44).");
                Query(operation, "plasmaVolumes", Number(1, 1.5), false, "Plasma volumes per exchange, 1.0–1.5 (default 1.0).");
                Query(operation, "exchanges", Integer(5, 7), false, "Number of exchanges, every other day (default 5).");
                Query(operation, "start", Date(), false, "Date of the first exchange, YYYY-MM-DD (default today).");
                break;
        }

        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (status.Length == 3 && status[0] is '4' or '5' && response is OpenApiResponse r)
            {
                r.Content ??= new Dictionary<string, OpenApiMediaType>();
                r.Content.Clear();
                r.Content["application/problem+json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(ProblemSchema, document) };
            }
        }
    }

    private static void Query(OpenApiOperation operation, string name, OpenApiSchema schema, bool required, string description)
    {
        operation.Parameters ??= [];
        if (operation.Parameters.Any(p => p.Name == name))
        {
            return;
        }

        operation.Parameters.Add(new OpenApiParameter { Name = name, In = ParameterLocation.Query, Required = required, Schema = schema, Description = description });
    }

    private static void RequestHeader(OpenApiOperation operation, string name, string description)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter { Name = name, In = ParameterLocation.Header, Schema = new OpenApiSchema { Type = JsonSchemaType.String }, Description = description });
    }

    private static void Header(OpenApiOperation operation, string status, string name, string description)
    {
        if (operation.Responses?.TryGetValue(status, out var response) == true && response is OpenApiResponse r)
        {
            r.Headers ??= new Dictionary<string, IOpenApiHeader>();
            r.Headers[name] = new OpenApiHeader { Schema = new OpenApiSchema { Type = JsonSchemaType.String }, Description = description };
        }
    }

    private static OpenApiSchema Date() => new() { Type = JsonSchemaType.String, Format = "date" };

    private static OpenApiSchema Text(int maxLength) => new() { Type = JsonSchemaType.String, MaxLength = maxLength };

    private static OpenApiSchema Integer(int min, int max) => new()
    {
        Type = JsonSchemaType.Integer,
        Minimum = min.ToString(CultureInfo.InvariantCulture),
        Maximum = max.ToString(CultureInfo.InvariantCulture),
    };

    private static OpenApiSchema Number(double min, double max) => new()
    {
        Type = JsonSchemaType.Number,
        Minimum = min.ToString(CultureInfo.InvariantCulture),
        Maximum = max.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// The contract's JSON Schemas (2020-12) rewritten to OpenAPI 3.0 schema objects (<c>$defs</c> hoisted into the
    /// components, type arrays with null as <c>nullable</c>, <c>const</c> as a one-value enum), parsed by Microsoft.OpenApi,
    /// plus the problem document.
    /// </summary>
    private static IEnumerable<KeyValuePair<string, IOpenApiSchema>> ContractSchemas()
    {
        var schemas = new JsonObject();
        var recommendation = Load("recommendation.schema.json");
        foreach (var (name, def) in recommendation["$defs"]!.AsObject().ToList())
        {
            schemas[name] = Convert(def!.DeepClone());
        }

        recommendation.Remove("$defs");
        schemas["RecommendationDocument"] = Convert(recommendation);
        var calculators = Load("calculators.schema.json")["$defs"]!.AsObject();
        schemas["EdssDocument"] = Convert(calculators["edss"]!.DeepClone());
        schemas["TpePlanDocument"] = Convert(calculators["tpePlan"]!.DeepClone());
        schemas["FhirBundle"] = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "A FHIR R4 Bundle (https://hl7.org/fhir/R4/bundle.html) as JSON, holding one patient's record.",
            ["required"] = new JsonArray("resourceType"),
            ["properties"] = new JsonObject { ["resourceType"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("Bundle") } },
            ["additionalProperties"] = true,
        };
        schemas[ProblemSchema] = ProblemDocument();
        var text = new JsonObject
        {
            ["openapi"] = "3.0.4",
            ["info"] = new JsonObject { ["title"] = "contract", ["version"] = "1" },
            ["paths"] = new JsonObject(),
            ["components"] = new JsonObject { ["schemas"] = schemas },
        }.ToJsonString();
        var parsed = OpenApiDocument.Parse(text, "json");
        return parsed.Document?.Components?.Schemas ?? throw new InvalidOperationException("the contract schemas did not parse");
    }

    private static JsonObject ProblemDocument() => new()
    {
        ["type"] = "object",
        ["description"] = "An RFC 9457 problem document. `code` is stable: it never changes meaning.",
        ["required"] = new JsonArray("type", "title", "status", "code"),
        ["properties"] = new JsonObject
        {
            ["type"] = new JsonObject { ["type"] = "string", ["description"] = "https://msrelapse.org/problems/{code}" },
            ["title"] = new JsonObject { ["type"] = "string" },
            ["status"] = new JsonObject { ["type"] = "integer" },
            ["detail"] = new JsonObject { ["type"] = "string", ["nullable"] = true },
            ["instance"] = new JsonObject { ["type"] = "string", ["nullable"] = true },
            ["code"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray([.. ProblemCodeValues.Select(c => (JsonNode)c)]) },
            ["traceId"] = new JsonObject { ["type"] = "string" },
            ["errors"] = new JsonObject
            {
                ["type"] = "array",
                ["description"] = "The input problems, each with its own code (FHIR reader, R0 or parameter).",
                ["items"] = new JsonObject
                {
                    ["type"] = "object",
                    ["required"] = new JsonArray("code", "message"),
                    ["properties"] = new JsonObject
                    {
                        ["code"] = new JsonObject { ["type"] = "string" },
                        ["message"] = new JsonObject { ["type"] = "string" },
                        ["resource"] = new JsonObject { ["type"] = "string", ["nullable"] = true },
                        ["path"] = new JsonObject { ["type"] = "string", ["nullable"] = true },
                    },
                },
            },
        },
    };

    private static JsonObject Load(string name)
    {
        using var stream = typeof(OpenApiDocumentation).Assembly.GetManifestResourceStream("MsRelapse.Server.Contract." + name)
            ?? throw new InvalidOperationException($"the embedded contract {name} is missing");
        return JsonNode.Parse(stream)!.AsObject();
    }

    /// <summary>JSON Schema 2020-12 → OpenAPI 3.0 schema, in place.</summary>
    private static JsonNode Convert(JsonNode node)
    {
        if (node is JsonArray array)
        {
            foreach (var item in array.ToList())
            {
                if (item is not null)
                {
                    Convert(item);
                }
            }

            return node;
        }

        if (node is not JsonObject schema)
        {
            return node;
        }

        schema.Remove("$schema");
        schema.Remove("$id");
        schema.Remove("$comment");
        schema.Remove("examples");
        if (schema["$ref"] is JsonValue reference && reference.TryGetValue<string>(out var target) && target.StartsWith("#/$defs/", StringComparison.Ordinal))
        {
            schema["$ref"] = "#/components/schemas/" + target["#/$defs/".Length..];
        }

        if (schema["type"] is JsonArray types)
        {
            var named = types.Select(t => (string?)t).Where(t => t is not null && t != "null").ToList();
            if (named.Count < types.Count)
            {
                schema["nullable"] = true;
            }

            schema["type"] = named.Count == 1 ? named[0] : null;
            if (named.Count != 1)
            {
                schema.Remove("type");
            }
        }

        if (schema["const"] is { } constant)
        {
            schema.Remove("const");
            schema["enum"] = new JsonArray(constant.DeepClone());
        }

        foreach (var key in new[] { "properties", "$defs" })
        {
            if (schema[key] is JsonObject children)
            {
                foreach (var (_, child) in children.ToList())
                {
                    if (child is not null)
                    {
                        Convert(child);
                    }
                }
            }
        }

        foreach (var key in new[] { "items", "additionalProperties", "not" })
        {
            if (schema[key] is JsonObject child)
            {
                Convert(child);
            }
        }

        foreach (var key in new[] { "allOf", "anyOf", "oneOf" })
        {
            if (schema[key] is JsonArray children)
            {
                Convert(children);
            }
        }

        return schema;
    }
}
