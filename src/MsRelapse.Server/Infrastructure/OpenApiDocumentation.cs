using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using MsRelapse.Core.Edss;

namespace MsRelapse.Server.Infrastructure;

/// <summary>
/// Completes the OpenAPI document (<c>/openapi/v1.json</c>, OpenAPI 3.0 so that every generator reads it): the
/// response schemas come from the endpoints' typed results; this adds what code signatures cannot say — every query
/// parameter with its range, the conditional-request headers and ETag, the response headers (Location,
/// <c>MsRelapse-AsOf-Future</c>, Retry-After), who may call what (a bearer JWT security scheme and each operation's
/// requirement, when authentication is on), the contract documents of <c>shared/contract</c> as component schemas,
/// and one problem-document schema whose <c>code</c> lists every value. Nullable references are written so that
/// OpenAPI 3.0.3 and JSON Schema validators (Ajv) read them: <c>nullable</c> always beside a <c>type</c>.
/// </summary>
public static class OpenApiDocumentation
{
    /// <summary>The problem document's component schema name.</summary>
    public const string ProblemSchema = "ProblemDocument";

    /// <summary>The security scheme's name (components.securitySchemes), when authentication is on.</summary>
    public const string BearerScheme = "bearer";

    /// <summary>Operation metadata key: the authorization policy the endpoint requires (not serialized).</summary>
    private const string PolicyKey = "msrelapse.policy";

    /// <summary>Operation metadata key: the endpoint is under the evaluation limiter (not serialized).</summary>
    private const string LimitedKey = "msrelapse.limited";

    /// <summary>Every problem <c>code</c> the service answers with.</summary>
    public static IReadOnlyList<string> ProblemCodeValues { get; } =
        [.. typeof(ProblemCodes).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).Order(StringComparer.Ordinal)];

    /// <summary>Registers the document with its transformers.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="authEnabled">Whether bearer tokens are required (then the document says who may call what).</param>
    /// <param name="authority">The OpenID Connect issuer, when configured (named in the security scheme).</param>
    public static IServiceCollection AddMsRelapseOpenApi(this IServiceCollection services, bool authEnabled, string? authority = null) =>
        services.AddOpenApi(o =>
        {
            o.OpenApiVersion = OpenApiSpecVersion.OpenApi3_0;
            // What only the endpoint's metadata knows (its policy, its limiter) is noted on the operation here, and
            // written out by the document transformer, which runs after every operation is built.
            o.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().ToList();
                operation.Metadata ??= new Dictionary<string, object>();
                if (authEnabled && policies.Count > 0)
                {
                    operation.Metadata[PolicyKey] = policies.Contains(Security.ClinicianPolicy) ? Security.ClinicianPolicy
                        : policies.Contains(Security.RegistryReaderPolicy) ? Security.RegistryReaderPolicy
                        : policies[0];
                }

                if (metadata.OfType<EnableRateLimitingAttribute>().Any(a => EvaluationLimiter.IsEvaluationPolicy(a.PolicyName)))
                {
                    operation.Metadata[LimitedKey] = true;
                }

                return Task.CompletedTask;
            });
            o.AddDocumentTransformer((document, _, _) =>
            {
                Complete(document, authEnabled, authority);
                return Task.CompletedTask;
            });
        });

    private static void Complete(OpenApiDocument document, bool authEnabled, string? authority)
    {
        document.Info.Title = "MsRelapse API";
        document.Info.Description = "Decision support for multiple sclerosis relapses (for clinicians; it recommends, it does not decide). " +
            "Errors are RFC 9457 problem documents with a stable code. " +
            (authEnabled
                ? "Authentication: an OpenID Connect bearer token (JWT) in `Authorization: Bearer …` on every /api call; " +
                  "reads need any authenticated user, writes (PUT, POST resources or evaluations, DELETE) the role `clinician`. " +
                  "Health checks and this document are open."
                : "Authentication: none. This server runs in local demo mode (loopback addresses only): every call is made as `anonymous`, " +
                  "and no operation needs a token.");
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        foreach (var (name, schema) in ContractSchemas())
        {
            document.Components.Schemas[name] = schema;
        }

        if (authEnabled)
        {
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "An access token (JWT) from the OpenID Connect issuer" + (string.IsNullOrWhiteSpace(authority) ? "" : $" {authority}") +
                    ", for this service's audience. Reads: any authenticated user. Writes: role `clinician` (claim `roles`, `role`, or Keycloak's `realm_access.roles`).",
            };
        }

        foreach (var (path, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                Secure(document, operation);
                Describe(document, method.Method, path, operation);
            }
        }

        TypeStoredRecommendation(document);
        NullableWithType(document);
    }

    /// <summary>
    /// The operation's security requirement (bearer), what it needs in its description, and its 401/403 answers.
    /// Scopes stay empty: OpenAPI 3.0 gives them meaning only for OAuth2 and OpenID Connect schemes, not for roles.
    /// </summary>
    private static void Secure(OpenApiDocument document, OpenApiOperation operation)
    {
        if (operation.Metadata?.TryGetValue(PolicyKey, out var value) != true || value is not string policy)
        {
            return;
        }

        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] });
        var (needs, forbidden) = policy switch
        {
            Security.ClinicianPolicy => ("a bearer token whose user has the role `clinician` (writes need it)", "the user does not have the role `clinician`"),
            Security.RegistryReaderPolicy => ("a bearer token of any authenticated user, except a session signed in by a SMART launch (it reaches only the patient it launched)",
                "the session was signed in by a SMART launch"),
            _ => ("a bearer token of any authenticated user", null),
        };
        var text = $"Authorization: {needs}.";
        operation.Description = string.IsNullOrEmpty(operation.Description) ? text : operation.Description + "\n\n" + text;
        operation.Responses ??= [];
        operation.Responses.TryAdd("401", new OpenApiResponse { Description = "Unauthorized: no bearer token, or one that is invalid or expired (WWW-Authenticate: Bearer)." });
        if (forbidden is not null)
        {
            operation.Responses.TryAdd("403", new OpenApiResponse { Description = $"Forbidden: {forbidden}." });
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
            case "POST /api/evaluate":
                Query(operation, "asOf", Date(), false, AsOfText + " A date after today is evaluated and flagged with the MsRelapse-AsOf-Future response header.");
                Header(operation, "200", FutureDates.Header, FutureHeaderText);
                break;
            case "POST /api/patients/{id}/evaluations":
                Query(operation, "asOf", Date(), false, AsOfText + " A date after today is evaluated and flagged with the MsRelapse-AsOf-Future response header.");
                Header(operation, "201", FutureDates.Header, FutureHeaderText);
                Header(operation, "201", "Location", "The stored evaluation: /api/patients/{id}/evaluations/{evaluationId}.");
                break;
            case "GET /api/worklist":
                Query(operation, "asOf", Date(), false, AsOfText);
                Query(operation, "q", Text(Storage.PatientQuery.MaxSearchLength), false,
                    $"Search: a patient-id prefix or part of a name (at most {Storage.PatientQuery.MaxSearchLength} characters); absent: every patient, up to {Web.WorklistEndpoints.MaxPatients}.");
                break;
            case "GET /api/patients":
                Query(operation, "q", Text(Storage.PatientQuery.MaxSearchLength), false, $"Search: a patient-id prefix or part of a name (at most {Storage.PatientQuery.MaxSearchLength} characters).");
                Query(operation, "page", Integer(1, Storage.PatientQuery.MaxPage), false, "Page number, from 1 (default 1).");
                Query(operation, "pageSize", Integer(1, Storage.PatientQuery.MaxPageSize), false, $"Patients per page (default {Storage.PatientQuery.DefaultPageSize}).");
                break;
            case "GET /api/patients/{id}":
                RequestHeader(operation, "If-None-Match", "An ETag from an earlier read: 304 when the record has not changed.");
                Header(operation, "200", "ETag", "The record's version as a weak entity tag, W/\"n\".");
                Header(operation, "304", "ETag", "The record's version (unchanged).");
                break;
            case "PUT /api/patients/{id}":
                RequestHeader(operation, "If-Match", "Write only if the record is still at this version (W/\"n\"); 412 otherwise.");
                RequestHeader(operation, "If-None-Match", "\"*\": create only; 412 when the record exists.");
                Header(operation, "200", "ETag", "The new version.");
                Header(operation, "201", "ETag", "The new version (1).");
                Header(operation, "201", "Location", "The record created: /api/patients/{id}.");
                break;
            case "POST /api/patients/{id}/resources":
                RequestHeader(operation, "If-Match", "Append only if the record is still at this version; without it the resources are merged into whatever is current.");
                Header(operation, "200", "ETag", "The new version.");
                break;
            case "DELETE /api/patients/{id}":
                RequestHeader(operation, "If-Match", "Delete only if the record is still at this version.");
                break;
            case "GET /api/edss":
                // Each one is needed (a missing one is 400 invalid-parameter), in the range the calculator checks.
                foreach (var (system, name) in Endpoints.CalculatorEndpoints.EdssQueryParameters)
                {
                    Query(operation, name, Integer(0, system.MaximumScore()), true,
                        $"Raw {name} score, an integer {system.RangeText()}{(system == FunctionalSystem.Ambulation ? " (Neurostatus ambulation score)" : "")}.");
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

        if (operation.Metadata?.ContainsKey(LimitedKey) == true)
        {
            operation.Responses ??= [];
            operation.Responses.TryAdd("503", new OpenApiResponse { Description = "Service Unavailable: too many evaluations at once (too-busy)." });
            Header(operation, "503", "Retry-After", "Seconds to wait before retrying.");
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

    private const string AsOfText = "Evaluation date, YYYY-MM-DD within " + QueryParameters.DateRangeText + " (default: the server's today); outside it, 400 invalid-parameter.";

    private const string FutureHeaderText = "\"true\" when asOf is after the server's date (planning, replay); absent otherwise.";

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

    /// <summary>
    /// A stored evaluation's <c>recommendation</c> is the contract's recommendation document (null in lists), not any
    /// JSON value: typed so, and the generic <c>JsonElement</c> schema dropped when nothing else uses it.
    /// </summary>
    private static void TypeStoredRecommendation(OpenApiDocument document)
    {
        var schemas = document.Components!.Schemas!;
        if (schemas.TryGetValue("StoredEvaluationDocument", out var stored) && stored is OpenApiSchema { Properties: { } properties }
            && properties.ContainsKey("recommendation"))
        {
            properties["recommendation"] = new OpenApiSchema
            {
                Description = "The recommendation document, as POST /api/evaluate answered it; null in lists.",
                OneOf = [NullOnly(JsonSchemaType.Object), new OpenApiSchemaReference("RecommendationDocument", document)],
            };
        }

        if (schemas.ContainsKey("JsonElement") && !References(document).Contains("JsonElement"))
        {
            schemas.Remove("JsonElement");
        }
    }

    /// <summary>
    /// The generator writes "this or null" as <c>oneOf: [{enum: [null], nullable: true}, X]</c>: a schema with
    /// <c>nullable</c> and no <c>type</c>, which OpenAPI 3.0.3 gives no meaning (nullable only widens a type) and Ajv
    /// refuses. Each such null branch gets the type of its sibling (<c>{type: object, nullable: true, enum: [null]}</c>:
    /// null and nothing else), so the union still reads "X or null" everywhere.
    /// </summary>
    private static void NullableWithType(OpenApiDocument document)
    {
        foreach (var schema in AllSchemas(document))
        {
            foreach (var union in new[] { schema.OneOf, schema.AnyOf })
            {
                if (union is null)
                {
                    continue;
                }

                var siblingType = union.Select(s => TypeOf(document, s)).FirstOrDefault(t => t is not null) ?? JsonSchemaType.Object;
                // Replaced, not changed in place: the generator may share one null schema between unions.
                for (var i = 0; i < union.Count; i++)
                {
                    if (union[i] is OpenApiSchema branch && IsUntypedNull(branch))
                    {
                        union[i] = NullOnly(siblingType);
                    }
                }
            }
        }

        // Then any null-only schema left outside a union (none today): null-only on object.
        foreach (var schema in AllSchemas(document).Where(IsUntypedNull))
        {
            schema.Type = JsonSchemaType.Object | JsonSchemaType.Null;
            schema.Enum = [null!];
        }
    }

    /// <summary>
    /// A schema that admits only null and has no other type: <c>type: null</c> in the model (which the 3.0 writer
    /// turns into <c>{enum: [null], nullable: true}</c>), or no type with <c>enum: [null]</c>.
    /// </summary>
    private static bool IsUntypedNull(OpenApiSchema schema) =>
        (schema.Type == JsonSchemaType.Null
            || (schema.Type is null && schema.Enum is { Count: 1 } values && (values[0] is null || values[0]!.GetValueKind() == JsonValueKind.Null)))
        && schema.Properties is null or { Count: 0 }
        && schema.AllOf is null or { Count: 0 } && schema.OneOf is null or { Count: 0 } && schema.AnyOf is null or { Count: 0 };

    /// <summary>The null-only schema of OpenAPI 3.0: a type made nullable, restricted to null.</summary>
    private static OpenApiSchema NullOnly(JsonSchemaType type) => new() { Type = type | JsonSchemaType.Null, Enum = [null!] };

    /// <summary>The type a schema (or the component it references) declares, without null.</summary>
    private static JsonSchemaType? TypeOf(OpenApiDocument document, IOpenApiSchema schema)
    {
        var type = schema is OpenApiSchemaReference reference
            ? (reference.Reference.Id is { } id && document.Components?.Schemas?.TryGetValue(id, out var target) == true ? target.Type : null)
            : schema.Type;
        var named = type & ~JsonSchemaType.Null;
        return named is null or 0 ? null : named;
    }

    /// <summary>Every schema object in the document: components and operations, depth first (references not followed).</summary>
    private static List<OpenApiSchema> AllSchemas(OpenApiDocument document)
    {
        var found = new List<OpenApiSchema>();
        var seen = new HashSet<OpenApiSchema>(ReferenceEqualityComparer.Instance);
        void Visit(IOpenApiSchema? schema)
        {
            if (schema is not OpenApiSchema s || !seen.Add(s))
            {
                return;
            }

            found.Add(s);
            foreach (var child in (s.Properties?.Values ?? []).Concat(s.AllOf ?? []).Concat(s.OneOf ?? []).Concat(s.AnyOf ?? [])
                .Append(s.Items).Append(s.AdditionalProperties).Append(s.Not))
            {
                Visit(child);
            }
        }

        foreach (var schema in document.Components?.Schemas?.Values ?? [])
        {
            Visit(schema);
        }

        foreach (var schema in OperationSchemas(document))
        {
            Visit(schema);
        }

        return found;
    }

    /// <summary>The schemas the operations hold directly: parameters, request and response bodies.</summary>
    private static IEnumerable<IOpenApiSchema?> OperationSchemas(OpenApiDocument document)
    {
        foreach (var item in document.Paths.Values)
        {
            foreach (var operation in item.Operations?.Values.AsEnumerable() ?? [])
            {
                foreach (var parameter in operation.Parameters ?? [])
                {
                    yield return parameter.Schema;
                }

                foreach (var media in operation.RequestBody?.Content?.Values.AsEnumerable() ?? [])
                {
                    yield return media.Schema;
                }

                foreach (var response in operation.Responses?.Values.AsEnumerable() ?? [])
                {
                    foreach (var media in response.Content?.Values.AsEnumerable() ?? [])
                    {
                        yield return media.Schema;
                    }
                }
            }
        }
    }

    /// <summary>The component ids referenced anywhere in the document.</summary>
    private static HashSet<string> References(OpenApiDocument document)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        void Note(IOpenApiSchema? schema)
        {
            if (schema is OpenApiSchemaReference { Reference.Id: { } id })
            {
                ids.Add(id);
            }
        }

        foreach (var schema in AllSchemas(document))
        {
            foreach (var child in (schema.Properties?.Values ?? []).Concat(schema.AllOf ?? []).Concat(schema.OneOf ?? []).Concat(schema.AnyOf ?? [])
                .Append(schema.Items).Append(schema.AdditionalProperties).Append(schema.Not))
            {
                Note(child);
            }
        }

        foreach (var schema in OperationSchemas(document))
        {
            Note(schema);
        }

        return ids;
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
