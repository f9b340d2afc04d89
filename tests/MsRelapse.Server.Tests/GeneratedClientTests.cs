using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NSwag;
using NSwag.CodeGeneration.CSharp;

namespace MsRelapse.Server.Tests;

/// <summary>
/// The OpenAPI document is good enough to integrate with: NSwag generates a C# client from it, Roslyn compiles that
/// client here, and the compiled client calls the running API and reads typed answers.
/// </summary>
public sealed class GeneratedClientTests : IAsyncLifetime
{
    private TestHost host = null!;

    public async Task InitializeAsync()
    {
        host = await TestHost.StartAsync();
        (await host.Client.PutAsync("/api/patients/client-1", TestHost.Fhir(PatientApiTests.Bundle("client-1", family: "Novak")))).Dispose();
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task A_client_generated_from_the_document_compiles_and_calls_the_API()
    {
        var document = await OpenApiDocument.FromJsonAsync(await host.Client.GetStringAsync("/openapi/v1.json"));
        var code = new CSharpClientGenerator(document, new CSharpClientGeneratorSettings
        {
            ClassName = "MsRelapseClient",
            UseBaseUrl = false,
            GenerateClientInterfaces = false,
            CSharpGeneratorSettings = { Namespace = "Generated", JsonLibrary = NJsonSchema.CodeGeneration.CSharp.CSharpJsonLibrary.SystemTextJson },
        }).GenerateFile();

        var assembly = Compile(code);
        var clientType = assembly.GetType("Generated.MsRelapseClient")!;
        var client = Activator.CreateInstance(clientType, host.Client)!;

        var page = await Call(client, "ListPatientsAsync", new() { ["q"] = "Novak" });
        Assert.Equal(1, Convert.ToInt32(Property(page, "Total"), System.Globalization.CultureInfo.InvariantCulture));

        var edss = await Call(client, "CalculateEdssAsync", new()
        {
            ["visual"] = 0, ["brainstem"] = 0, ["pyramidal"] = 3, ["cerebellar"] = 0, ["sensory"] = 0, ["bowelBladder"] = 0, ["cerebral"] = 0, ["ambulation"] = 0,
        });
        Assert.Equal(3.0, Convert.ToDouble(Property(edss, "Edss"), System.Globalization.CultureInfo.InvariantCulture));
    }

    private static Assembly Compile(string code)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("GeneratedClient", [CSharpSyntaxTree.ParseText(code)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(20)));
        return Assembly.Load(stream.ToArray());
    }

    private static async Task<object> Call(object client, string name, Dictionary<string, object?> arguments)
    {
        var method = client.GetType().GetMethods().First(m => m.Name == name && m.GetParameters().Any(p => p.ParameterType == typeof(CancellationToken)));
        var args = method.GetParameters()
            .Select(p => p.ParameterType == typeof(CancellationToken) ? CancellationToken.None : arguments.GetValueOrDefault(p.Name!))
            .ToArray();
        var task = (Task)method.Invoke(client, args)!;
        await task;
        return task.GetType().GetProperty("Result")!.GetValue(task)!;
    }

    private static object? Property(object value, string name) => value.GetType().GetProperty(name)!.GetValue(value);
}
