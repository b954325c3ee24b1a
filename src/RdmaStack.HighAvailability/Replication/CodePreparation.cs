using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace RdmaStack.HighAvailability.Replication;

/// <summary>
/// Compiles, when a replica is created, the code a promotion runs for the first time: a backup never ran the
/// primary's half of the library (the session manager, the dispatcher, the external calls, the reply release) nor its
/// external services. Measured in `rdmastack ha demo` on shared memory: a backup's first passes as the primary spent
/// 7-10 ms compiling about 20 methods, more than the promotion bound itself.
/// </summary>
/// <remarks>Where code is not compiled at run time (native AOT) there is nothing to do. Generic code instantiated over
/// the library's structs is compiled at its first call, as before.</remarks>
internal static class CodePreparation
{
    private const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;

    /// <summary>The library's namespaces a replica runs (the quorum replicator and the client are not a replica's).</summary>
    private static readonly string[] s_replicaNamespaces =
    [
        typeof(ReplicaNode).Namespace!,
        typeof(Engine.DigestBuilder).Namespace!,
        typeof(ExternalCalls.ExternalCallKey).Namespace!,
        typeof(Journal.TransactionJournal).Namespace!,
        typeof(Sessions.SessionTable).Namespace!,
        typeof(Transport.PublicationStream).Namespace!,
        typeof(Verification.VerificationEngine).Namespace!,
    ];

    private static int s_libraryPrepared;

    /// <summary>
    /// Compiles the library's replica code (once per process) and every method the engine's and the services'
    /// types declare. Returns the methods compiled and the time taken.
    /// </summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Preparation only compiles what exists; a type or method trimmed away is simply not prepared.")]
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Preparation only compiles what exists; a method trimmed away is simply not prepared.")]
    public static (int Methods, TimeSpan Elapsed) Prepare(object engine, IReadOnlyList<ExternalCalls.IExternalService> services)
    {
        long start = Stopwatch.GetTimestamp();
        int methods = 0;
        if (!RuntimeFeature.IsDynamicCodeSupported)
        {
            return (0, TimeSpan.Zero);
        }

        if (Interlocked.Exchange(ref s_libraryPrepared, 1) == 0)
        {
            foreach (Type type in typeof(ReplicaNode).Assembly.GetTypes())
            {
                if (Array.IndexOf(s_replicaNamespaces, type.Namespace) >= 0)
                {
                    methods += PrepareDeclared(type);
                    methods += PrepareGenericFields(type);
                }
            }
        }

        methods += PrepareDeclared(engine.GetType());
        for (int i = 0; i < services.Count; i++)
        {
            methods += PrepareDeclared(services[i].GetType());
        }

        return (methods, Stopwatch.GetElapsedTime(start));
    }

    /// <summary>
    /// The constructed generic types <paramref name="type"/> holds in its fields (a queue of the library's structs):
    /// code instantiated over a struct is the library's own, compiled at its first call like the rest.
    /// </summary>
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "Preparation only compiles what exists; a field or method trimmed away is simply not prepared.")]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "Preparation only compiles what exists; a method trimmed away is simply not prepared.")]
    private static int PrepareGenericFields(Type type)
    {
        int prepared = 0;
        foreach (FieldInfo field in type.GetFields(Declared))
        {
            Type held = field.FieldType;
            if (held.IsConstructedGenericType && !held.ContainsGenericParameters && Array.Exists(held.GenericTypeArguments, a => a.IsValueType))
            {
                prepared += PrepareDeclared(held);
            }
        }

        return prepared;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "Preparation only compiles what exists; a method trimmed away is simply not prepared.")]
    private static int PrepareDeclared(Type type)
    {
        if (type.ContainsGenericParameters || type.IsInterface)
        {
            return 0;
        }

        int prepared = 0;
        foreach (MethodInfo method in type.GetMethods(Declared))
        {
            if (method.IsAbstract || method.ContainsGenericParameters)
            {
                continue;
            }

            try
            {
                RuntimeHelpers.PrepareMethod(method.MethodHandle);
                prepared++;
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or InvalidOperationException)
            {
                // A method the runtime will not compile ahead (a P/Invoke stub, an intrinsic): compiled at first call.
            }
        }

        foreach (ConstructorInfo constructor in type.GetConstructors(Declared & ~BindingFlags.Static))
        {
            try
            {
                RuntimeHelpers.PrepareMethod(constructor.MethodHandle);
                prepared++;
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or InvalidOperationException)
            {
                // As above: compiled at first call.
            }
        }

        return prepared;
    }
}
