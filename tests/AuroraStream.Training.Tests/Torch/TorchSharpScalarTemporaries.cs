using System.Reflection;
using System.Reflection.Emit;
using TorchSharp;
using TorchSharp.Modules;

namespace AuroraStream.Training.Tests.Torch;

/// <summary>
/// Finds, in TorchSharp's IL, every public member that creates a <see cref="Scalar"/> temporary
/// (an implicit conversion or ToScalar() call, directly or through another TorchSharp method), and
/// the factories of modules and optimisers whose forward or step does. These are what
/// build/BannedSymbols.TorchSharp.txt must list, in documentation-comment ID form.
/// </summary>
internal static class TorchSharpScalarTemporaries
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Documentation IDs of the public members to ban, each with why.</summary>
    public static IReadOnlyDictionary<string, string> Find()
    {
        var assembly = typeof(torch).Assembly;
        var methods = assembly.GetTypes().SelectMany(t => t.GetMethods(Declared).Cast<MethodBase>().Concat(t.GetConstructors(Declared))).ToList();
        var callees = methods.ToDictionary(m => m, m => Callees(m).ToList());

        var racy = methods.Where(m => !IsScalarFactory(m) && callees[m].Any(IsScalarFactory)).ToHashSet();
        for (var grew = true; grew;)
        {
            grew = false;
            foreach (var method in methods.Where(m => !racy.Contains(m) && callees[m].Any(racy.Contains)))
            {
                racy.Add(method);
                grew = true;
            }
        }

        const string Why = "TorchSharp 0.107 makes a Scalar temporary here that libtorch may read after a collection freed it: use an overload taking every Scalar, with AuroraStream.Training.Torch.Scalars or a using-scoped ToScalar()";
        var banned = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var implicitConversion in typeof(Scalar).GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.Name == "op_Implicit"))
        {
            banned[DocumentationId(implicitConversion)] = "the implicit Scalar is garbage while libtorch reads it: use AuroraStream.Training.Torch.Scalars or a using-scoped ToScalar()";
        }

        // Modules and optimisers run their forward or step through virtual calls (Sequential, a trainer's
        // loop): what must not be reached is what makes them, their factories and public constructors.
        // Overrides of a forward are this repository's replacements, so forward and step stay allowed.
        static bool IsForwardOrStep(MethodBase m) => m.Name is "forward" or "step" || m.Name.StartsWith("<step>", StringComparison.Ordinal);
        var racyTypes = racy.Where(IsForwardOrStep).Select(m => m.DeclaringType!).ToHashSet();
        foreach (var method in racy.Where(m => m.IsPublic && m.DeclaringType!.IsVisible && !m.Name.StartsWith('<') && !IsForwardOrStep(m)))
        {
            banned[DocumentationId(method)] = Why;
        }

        foreach (var constructor in typeof(torch).Assembly.GetTypes()
            .Where(t => t.IsVisible && !t.IsAbstract && racyTypes.Any(r => r.IsAssignableFrom(t)))
            .SelectMany(t => t.GetConstructors()))
        {
            banned[DocumentationId(constructor)] = constructor.DeclaringType!.IsSubclassOf(typeof(torch.optim.Optimizer))
                ? "TorchSharp 0.107's optimiser step makes Scalar temporaries that libtorch may read after a collection freed them: use AuroraStream.Training.Torch.ScalarSafeAdamW"
                : "TorchSharp 0.107's forward of this module makes a Scalar temporary that libtorch may read after a collection freed it: use AuroraStream.Training.Torch.ScalarSafeBatchNorm2d (or write a module that holds its scalars)";
        }

        foreach (var factory in new[] { typeof(torch.nn), typeof(torch.optim) }.SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static)))
        {
            if (racyTypes.Any(t => t.IsAssignableFrom(factory.ReturnType)))
            {
                banned[DocumentationId(factory)] = factory.ReturnType.IsSubclassOf(typeof(torch.optim.Optimizer))
                    ? "TorchSharp 0.107's optimiser step makes Scalar temporaries that libtorch may read after a collection freed them: use AuroraStream.Training.Torch.ScalarSafeAdamW"
                    : "TorchSharp 0.107's forward of this module makes a Scalar temporary that libtorch may read after a collection freed it: use AuroraStream.Training.Torch.ScalarSafeBatchNorm2d (or write a module that holds its scalars)";
            }
        }

        return banned;
    }

    private static bool IsScalarFactory(MethodBase method) =>
        (method.DeclaringType == typeof(Scalar) && method.Name == "op_Implicit")
        || (method.DeclaringType == typeof(ScalarExtensionMethods) && method.Name.StartsWith("To", StringComparison.Ordinal) && method.Name.EndsWith("Scalar", StringComparison.Ordinal));

    /// <summary>Methods a method calls, creates or takes a delegate to, read from its IL.</summary>
    private static IEnumerable<MethodBase> Callees(MethodBase method)
    {
        byte[]? il;
        try
        {
            il = method.GetMethodBody()?.GetILAsByteArray();
        }
        catch (Exception e) when (e is BadImageFormatException or InvalidOperationException)
        {
            yield break;
        }

        if (il is null)
        {
            yield break;
        }

        var type = method.DeclaringType!;
        var typeArguments = type.IsGenericType ? type.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var i = 0; i < il.Length;)
        {
            OpCode op;
            if (il[i] == 0xFE)
            {
                op = OpCodesByValue[(short)(0xFE00 | il[i + 1])];
                i += 2;
            }
            else
            {
                op = OpCodesByValue[il[i]];
                i++;
            }

            if (op == OpCodes.Call || op == OpCodes.Callvirt || op == OpCodes.Newobj || op == OpCodes.Ldftn)
            {
                MethodBase? callee = null;
                try
                {
                    callee = method.Module.ResolveMethod(BitConverter.ToInt32(il, i), typeArguments, methodArguments);
                }
                catch (Exception e) when (e is ArgumentException or BadImageFormatException or TypeLoadException or FileNotFoundException)
                {
                    // A member of an assembly that is not loaded here: not TorchSharp's own.
                }

                if (callee is MethodInfo { IsGenericMethod: true, IsGenericMethodDefinition: false } generic)
                {
                    callee = generic.GetGenericMethodDefinition();
                }

                if (callee is not null)
                {
                    yield return callee;
                }
            }

            i += op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, i)),
                _ => 4,
            };
        }
    }

    private static string DocumentationId(MethodBase method)
    {
        var name = method is ConstructorInfo ? "#ctor" : method.Name;
        var arity = method.IsGenericMethod ? $"``{method.GetGenericArguments().Length}" : string.Empty;
        var parameters = method.GetParameters();
        var id = $"M:{TypeName(method.DeclaringType!, definition: true)}.{name}{arity}";
        if (parameters.Length > 0)
        {
            id += $"({string.Join(",", parameters.Select(p => TypeName(p.ParameterType, definition: false)))})";
        }

        return method.Name is "op_Implicit" or "op_Explicit" ? $"{id}~{TypeName(((MethodInfo)method).ReturnType, definition: false)}" : id;
    }

    private static string TypeName(Type type, bool definition)
    {
        if (type.IsByRef)
        {
            return TypeName(type.GetElementType()!, definition) + "@";
        }

        if (type.IsArray)
        {
            return TypeName(type.GetElementType()!, definition) + "[]";
        }

        if (type.IsGenericParameter)
        {
            return (type.DeclaringMethod is null ? "`" : "``") + type.GenericParameterPosition;
        }

        var full = type.IsGenericType ? type.GetGenericTypeDefinition().FullName! : type.FullName!;
        full = full.Replace('+', '.');
        if (!type.IsGenericType || definition)
        {
            return full;
        }

        return $"{full[..full.IndexOf('`', StringComparison.Ordinal)]}{{{string.Join(",", type.GetGenericArguments().Select(a => TypeName(a, definition: false)))}}}";
    }
}
