namespace RdmaStack.Providers.NetworkDirect;

/// <summary>One NetworkDirect provider library: its catalog name, DLL path, provider GUID (the class id its
/// DllGetClassObject serves) and that entry point, or why it could not be loaded.</summary>
/// <remarks>A loaded library stays loaded for the life of the process: its objects may outlive any one user.</remarks>
internal sealed unsafe class NetworkDirectProviderLibrary
{
    /// <summary>A loaded library.</summary>
    /// <param name="name">The catalog entry's protocol name.</param>
    /// <param name="path">The DLL.</param>
    /// <param name="providerId">The provider's GUID.</param>
    /// <param name="getClassObject">Its exported <c>HRESULT DllGetClassObject(REFCLSID, REFIID, void**)</c>.</param>
    public NetworkDirectProviderLibrary(string name, string path, Guid providerId, delegate* unmanaged[Stdcall]<Guid*, Guid*, void**, int> getClassObject)
    {
        if (getClassObject == null)
        {
            throw new ArgumentNullException(nameof(getClassObject));
        }

        Name = name;
        Path = path;
        ProviderId = providerId;
        GetClassObject = getClassObject;
    }

    /// <summary>A library listed in the catalog that could not be loaded.</summary>
    /// <param name="name">The catalog entry's protocol name.</param>
    /// <param name="path">The DLL, if its path was found.</param>
    /// <param name="providerId">The provider's GUID.</param>
    /// <param name="loadError">Why it could not be loaded.</param>
    public NetworkDirectProviderLibrary(string name, string path, Guid providerId, string loadError)
    {
        Name = name;
        Path = path;
        ProviderId = providerId;
        LoadError = loadError;
    }

    /// <summary>The catalog entry's protocol name.</summary>
    public string Name { get; }

    /// <summary>The DLL.</summary>
    public string Path { get; }

    /// <summary>The provider's GUID.</summary>
    public Guid ProviderId { get; }

    /// <summary>Why the library could not be loaded, or null.</summary>
    public string? LoadError { get; }

    /// <summary>The library's DllGetClassObject (null when <see cref="LoadError"/> is set).</summary>
    public delegate* unmanaged[Stdcall]<Guid*, Guid*, void**, int> GetClassObject { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Path})";
}
