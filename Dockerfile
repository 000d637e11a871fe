# AuroraStream container image: the `aurorastream` command with the default model.
#   docker build -t aurorastream .          (docker-compose.yml builds it for the pipeline and publisher)
# Build stage: the .NET 10 SDK restores from nuget.org and publishes the CLI without libtorch
# (TrainingRuntime=false, 0.5 GB less): the image streams, classifies and analyses; it does not train.
# Its libstdc++ is recent enough for TorchSharp, so the GLIBCXX shim in build/torchsharp-glibcxx does nothing here.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json .editorconfig Directory.Build.props Directory.Build.targets Directory.Packages.props ./
COPY build/ build/
COPY src/ src/
RUN dotnet publish src/AuroraStream.Cli/AuroraStream.Cli.csproj -c Release -r linux-x64 --self-contained false -o /app -nologo -p:TrainingRuntime=false

# Runtime stage: the .NET runtime only, running as the image's non-root `app` user (uid 1654).
FROM mcr.microsoft.com/dotnet/runtime:10.0 AS runtime
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    AURORASTREAM_Output__MetricsHost=0.0.0.0 \
    AURORASTREAM_Output__MetricsPort=9464
WORKDIR /app
COPY --from=build /app ./
COPY onnx-models/ ./onnx-models/
# Mount points owned by the app user, so named volumes mounted there start writable by it.
RUN mkdir -p /state /data/incoming /models && chown "$APP_UID" /state
USER $APP_UID
# The Prometheus endpoint (Output:MetricsPort) of `aurorastream run`.
EXPOSE 9464
ENTRYPOINT ["dotnet", "/app/aurorastream.dll"]
CMD ["run"]
