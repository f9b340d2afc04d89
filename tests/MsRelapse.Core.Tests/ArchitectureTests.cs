using System.Reflection;
using MsRelapse.Core.Model;

namespace MsRelapse.Core.Tests;

/// <summary>The core is pure: it references the base class library and nothing else (style.md, "A pure core").</summary>
public sealed class ArchitectureTests
{
    [Fact]
    public void Core_references_only_the_base_class_library()
    {
        var core = typeof(PatientRecord).Assembly;
        var references = core.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        var foreign = references
            .Where(name => !(name == "netstandard" || name == "mscorlib" || name.StartsWith("System", StringComparison.Ordinal) || name.StartsWith("Microsoft.Win32", StringComparison.Ordinal)))
            .ToList();

        Assert.NotEmpty(references);
        Assert.Empty(foreign);
    }

    [Fact]
    public void Core_does_not_read_the_clock_or_the_file_system()
    {
        // Time is an input (asOf) and the engine does no I/O: no member of the core may touch these APIs.
        var forbidden = new[] { "get_Now", "get_UtcNow", "get_Today" };
        var core = typeof(PatientRecord).Assembly;
        var offenders = new List<string>();
        foreach (var type in core.GetTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                var body = method.GetMethodBody()?.GetILAsByteArray();
                if (body is null)
                {
                    continue;
                }

                foreach (var token in CallTargets(method.Module, body))
                {
                    if ((token.DeclaringType == typeof(DateTime) || token.DeclaringType == typeof(DateTimeOffset)) && forbidden.Contains(token.Name))
                    {
                        offenders.Add($"{type.FullName}.{method.Name} calls {token.DeclaringType!.Name}.{token.Name}");
                    }

                    if (token.DeclaringType?.Namespace == "System.IO" && token.DeclaringType != typeof(TextWriter) && token.DeclaringType != typeof(StringWriter) && token.DeclaringType != typeof(Stream) && token.DeclaringType != typeof(MemoryStream))
                    {
                        offenders.Add($"{type.FullName}.{method.Name} uses {token.DeclaringType.FullName}.{token.Name}");
                    }
                }
            }
        }

        Assert.Empty(offenders);
    }

    private static IEnumerable<MethodBase> CallTargets(Module module, byte[] il)
    {
        // call (0x28), callvirt (0x6F) and newobj (0x73) are followed by a 4-byte method token.
        for (var i = 0; i < il.Length - 4; i++)
        {
            if (il[i] is 0x28 or 0x6F or 0x73)
            {
                var token = BitConverter.ToInt32(il, i + 1);
                MethodBase? target = null;
                try
                {
                    target = module.ResolveMethod(token);
                }
                catch (ArgumentException)
                {
                    // Not a method token (the byte was an operand of another instruction).
                }

                if (target is not null)
                {
                    yield return target;
                }
            }
        }
    }
}
