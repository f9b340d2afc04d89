using System.Globalization;
using System.Reflection;

namespace MsRelapse.Vignettes.Tests.Support;

/// <summary>
/// Runs every vignette once (each [Fact] and each [InlineData] row of the public classes in the Vignettes namespace)
/// with <see cref="Evaluate.Recorder"/> set, and keeps every evaluation it made: the input bundle, the as-of date
/// and the contract JSON. The contract tests and the golden-output tests both read this one collection. A
/// vignette's own assertion failures are ignored here (the vignette reports them itself).
/// </summary>
public static class VignetteRuns
{
    private static readonly Lazy<IReadOnlyList<VignetteRun>> LazyAll = new(CollectAll);

    /// <summary>Every evaluation made by the vignettes, in a stable order (class, method, row, call).</summary>
    public static IReadOnlyList<VignetteRun> All => LazyAll.Value;

    private static IReadOnlyList<VignetteRun> CollectAll()
    {
        var results = new List<VignetteRun>();
        var classes = typeof(VignetteRuns).Assembly.GetTypes()
            .Where(t => t.IsPublic && !t.IsAbstract && t.Namespace == typeof(Vignettes.R0ValidationVignettes).Namespace)
            .OrderBy(t => t.FullName, StringComparer.Ordinal);
        foreach (var type in classes)
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance).OrderBy(m => m.Name, StringComparer.Ordinal))
            {
                var fact = method.GetCustomAttribute<FactAttribute>();
                if (fact is null || fact.Skip is not null)
                {
                    continue;
                }

                var isTheory = fact is TheoryAttribute;
                var rows = isTheory
                    ? method.GetCustomAttributes<InlineDataAttribute>().SelectMany(a => a.GetData(method)).ToList()
                    : [Array.Empty<object?>()];
                for (var row = 0; row < rows.Count; row++)
                {
                    var recorded = new List<RecordedRun>();
                    Evaluate.Recorder.Value = recorded;
                    try
                    {
                        method.Invoke(Activator.CreateInstance(type), Convert(method, rows[row]));
                    }
                    catch (TargetInvocationException)
                    {
                        // The vignette's own failure is reported by the vignette; its outputs still count here.
                    }
                    finally
                    {
                        Evaluate.Recorder.Value = null;
                    }

                    for (var call = 0; call < recorded.Count; call++)
                    {
                        // A stable key: the method name (unique across the vignette classes), the row of a theory and the
                        // call within the vignette when it evaluates more than once.
                        var key = method.Name
                                  + (isTheory ? "-row" + (row + 1).ToString(CultureInfo.InvariantCulture) : string.Empty)
                                  + (recorded.Count > 1 ? "-call" + (call + 1).ToString(CultureInfo.InvariantCulture) : string.Empty);
                        results.Add(new VignetteRun($"{type.Name}.{method.Name}", key, recorded[call]));
                    }
                }
            }
        }

        return results;
    }

    /// <summary>xUnit converts InlineData values to the parameter types (an int literal for a double); reflection does not.</summary>
    private static object?[] Convert(MethodInfo method, object?[]? row)
    {
        // [InlineData(null)] hands over a null row: one null argument.
        row ??= [null];
        return method.GetParameters().Select((p, i) =>
        {
            var value = row[i];
            var target = Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType;
            return value is null || target.IsInstanceOfType(value) || target.IsEnum
                ? value
                : System.Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
        }).ToArray();
    }
}

/// <summary>One evaluation made by a vignette.</summary>
/// <param name="Vignette">Class and method, for messages.</param>
/// <param name="Key">A stable, file-name-safe key: method name, theory row and call number.</param>
/// <param name="Run">The input and the output.</param>
public sealed record VignetteRun(string Vignette, string Key, RecordedRun Run);
