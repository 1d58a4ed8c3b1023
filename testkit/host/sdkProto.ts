/**
 * The engine's side of the provider protocol, loaded from the SDK's own dependency tree so message
 * classes and the gRPC library are the ones the generated code expects.
 */
import { createRequire } from "node:module";
import type * as grpcTypes from "@grpc/grpc-js";
import type * as structTypes from "google-protobuf/google/protobuf/struct_pb";
import type * as provTypes from "@pulumi/pulumi/proto/provider_pb";
import type * as provGrpcTypes from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as statusTypes from "@pulumi/pulumi/proto/status_pb";
import type * as emptyTypes from "google-protobuf/google/protobuf/empty_pb";

export const sdkRequire = createRequire(require.resolve("@pulumi/pulumi/proto/provider_grpc_pb.js"));
export const grpc = sdkRequire("@grpc/grpc-js") as typeof grpcTypes;
export const structpb = sdkRequire("google-protobuf/google/protobuf/struct_pb") as typeof structTypes;
export const emptypb = sdkRequire("google-protobuf/google/protobuf/empty_pb") as typeof emptyTypes;
export const provpb = sdkRequire("./provider_pb") as typeof provTypes;
export const provrpc = sdkRequire("./provider_grpc_pb") as typeof provGrpcTypes;
export const statuspb = sdkRequire("./status_pb") as typeof statusTypes;

export type { grpcTypes, structTypes, provTypes, provGrpcTypes, statusTypes, emptyTypes };
