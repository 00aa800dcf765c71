// SPDX-License-Identifier: Apache-2.0
// OpenXR extensions newer than Debian's headers (OpenXR 1.0.20), written
// from the OpenXR registry (xr.xml, registry 1.1.61) so that xrsim and
// runtime/xr can use them. Include after <openxr/openxr.h>. With headers
// that already define an extension (a newer OpenXR SDK), its block here is
// skipped and the SDK's definitions are used.
//
// Values of extension enumerants follow the registry's rule:
// 1000000000 + (extension number - 1) * 1000 + offset (negated for errors).
// They are constants of the base type (XrStructureType, XrResult, ...)
// because an enumeration cannot be extended after its definition.
#pragma once

#include <openxr/openxr.h>

// ---- XR_EXT_plane_detection (extension 430, spec version 2) -----------------
#ifndef XR_EXT_plane_detection
#define XR_EXT_plane_detection 1
#define XR_EXT_plane_detection_SPEC_VERSION 2
#define XR_EXT_PLANE_DETECTION_EXTENSION_NAME "XR_EXT_plane_detection"

XR_DEFINE_HANDLE(XrPlaneDetectorEXT)

#define XR_ERROR_SPACE_NOT_LOCATABLE_EXT ((XrResult)-1000429000)
#define XR_ERROR_PLANE_DETECTION_PERMISSION_DENIED_EXT ((XrResult)-1000429001)
#define XR_OBJECT_TYPE_PLANE_DETECTOR_EXT ((XrObjectType)1000429000)
#define XR_TYPE_PLANE_DETECTOR_CREATE_INFO_EXT ((XrStructureType)1000429001)
#define XR_TYPE_PLANE_DETECTOR_BEGIN_INFO_EXT ((XrStructureType)1000429002)
#define XR_TYPE_PLANE_DETECTOR_GET_INFO_EXT ((XrStructureType)1000429003)
#define XR_TYPE_PLANE_DETECTOR_LOCATIONS_EXT ((XrStructureType)1000429004)
#define XR_TYPE_PLANE_DETECTOR_LOCATION_EXT ((XrStructureType)1000429005)
#define XR_TYPE_PLANE_DETECTOR_POLYGON_BUFFER_EXT ((XrStructureType)1000429006)
#define XR_TYPE_SYSTEM_PLANE_DETECTION_PROPERTIES_EXT ((XrStructureType)1000429007)

typedef enum XrPlaneDetectorOrientationEXT {
    XR_PLANE_DETECTOR_ORIENTATION_HORIZONTAL_UPWARD_EXT = 0,
    XR_PLANE_DETECTOR_ORIENTATION_HORIZONTAL_DOWNWARD_EXT = 1,
    XR_PLANE_DETECTOR_ORIENTATION_VERTICAL_EXT = 2,
    XR_PLANE_DETECTOR_ORIENTATION_ARBITRARY_EXT = 3,
    XR_PLANE_DETECTOR_ORIENTATION_MAX_ENUM_EXT = 0x7FFFFFFF
} XrPlaneDetectorOrientationEXT;

typedef enum XrPlaneDetectorSemanticTypeEXT {
    XR_PLANE_DETECTOR_SEMANTIC_TYPE_UNDEFINED_EXT = 0,
    XR_PLANE_DETECTOR_SEMANTIC_TYPE_CEILING_EXT = 1,
    XR_PLANE_DETECTOR_SEMANTIC_TYPE_FLOOR_EXT = 2,
    XR_PLANE_DETECTOR_SEMANTIC_TYPE_WALL_EXT = 3,
    XR_PLANE_DETECTOR_SEMANTIC_TYPE_PLATFORM_EXT = 4,
    XR_PLANE_DETECTOR_SEMANTIC_TYPE_MAX_ENUM_EXT = 0x7FFFFFFF
} XrPlaneDetectorSemanticTypeEXT;

typedef enum XrPlaneDetectionStateEXT {
    XR_PLANE_DETECTION_STATE_NONE_EXT = 0,
    XR_PLANE_DETECTION_STATE_PENDING_EXT = 1,
    XR_PLANE_DETECTION_STATE_DONE_EXT = 2,
    XR_PLANE_DETECTION_STATE_ERROR_EXT = 3,
    XR_PLANE_DETECTION_STATE_FATAL_EXT = 4,
    XR_PLANE_DETECTION_STATE_MAX_ENUM_EXT = 0x7FFFFFFF
} XrPlaneDetectionStateEXT;

typedef XrFlags64 XrPlaneDetectionCapabilityFlagsEXT;
static const XrPlaneDetectionCapabilityFlagsEXT
    XR_PLANE_DETECTION_CAPABILITY_PLANE_DETECTION_BIT_EXT = 0x00000001;
static const XrPlaneDetectionCapabilityFlagsEXT XR_PLANE_DETECTION_CAPABILITY_PLANE_HOLES_BIT_EXT =
    0x00000002;
static const XrPlaneDetectionCapabilityFlagsEXT
    XR_PLANE_DETECTION_CAPABILITY_SEMANTIC_CEILING_BIT_EXT = 0x00000004;
static const XrPlaneDetectionCapabilityFlagsEXT
    XR_PLANE_DETECTION_CAPABILITY_SEMANTIC_FLOOR_BIT_EXT = 0x00000008;
static const XrPlaneDetectionCapabilityFlagsEXT
    XR_PLANE_DETECTION_CAPABILITY_SEMANTIC_WALL_BIT_EXT = 0x00000010;
static const XrPlaneDetectionCapabilityFlagsEXT
    XR_PLANE_DETECTION_CAPABILITY_SEMANTIC_PLATFORM_BIT_EXT = 0x00000020;
static const XrPlaneDetectionCapabilityFlagsEXT XR_PLANE_DETECTION_CAPABILITY_ORIENTATION_BIT_EXT =
    0x00000040;

typedef XrFlags64 XrPlaneDetectorFlagsEXT;
static const XrPlaneDetectorFlagsEXT XR_PLANE_DETECTOR_ENABLE_CONTOUR_BIT_EXT = 0x00000001;

// XrExtent3Df is OpenXR 1.1 core; XrExtent3DfEXT its extension alias.
typedef struct XrExtent3DfEXT {
    float width;
    float height;
    float depth;
} XrExtent3DfEXT;

typedef struct XrSystemPlaneDetectionPropertiesEXT {
    XrStructureType type;
    void *XR_MAY_ALIAS next;
    XrPlaneDetectionCapabilityFlagsEXT supportedFeatures;
} XrSystemPlaneDetectionPropertiesEXT;

typedef struct XrPlaneDetectorCreateInfoEXT {
    XrStructureType type;
    const void *XR_MAY_ALIAS next;
    XrPlaneDetectorFlagsEXT flags;
} XrPlaneDetectorCreateInfoEXT;

typedef struct XrPlaneDetectorBeginInfoEXT {
    XrStructureType type;
    const void *XR_MAY_ALIAS next;
    XrSpace baseSpace;
    XrTime time;
    uint32_t orientationCount;
    const XrPlaneDetectorOrientationEXT *orientations;
    uint32_t semanticTypeCount;
    const XrPlaneDetectorSemanticTypeEXT *semanticTypes;
    uint32_t maxPlanes;
    float minArea;
    XrPosef boundingBoxPose;
    XrExtent3DfEXT boundingBoxExtent;
} XrPlaneDetectorBeginInfoEXT;

typedef struct XrPlaneDetectorGetInfoEXT {
    XrStructureType type;
    const void *XR_MAY_ALIAS next;
    XrSpace baseSpace;
    XrTime time;
} XrPlaneDetectorGetInfoEXT;

typedef struct XrPlaneDetectorLocationEXT {
    XrStructureType type;
    void *XR_MAY_ALIAS next;
    uint64_t planeId;
    XrSpaceLocationFlags locationFlags;
    XrPosef pose;
    XrExtent2Df extents;
    XrPlaneDetectorOrientationEXT orientation;
    XrPlaneDetectorSemanticTypeEXT semanticType;
    uint32_t polygonBufferCount;
} XrPlaneDetectorLocationEXT;

typedef struct XrPlaneDetectorLocationsEXT {
    XrStructureType type;
    void *XR_MAY_ALIAS next;
    uint32_t planeLocationCapacityInput;
    uint32_t planeLocationCountOutput;
    XrPlaneDetectorLocationEXT *planeLocations;
} XrPlaneDetectorLocationsEXT;

typedef struct XrPlaneDetectorPolygonBufferEXT {
    XrStructureType type;
    void *XR_MAY_ALIAS next;
    uint32_t vertexCapacityInput;
    uint32_t vertexCountOutput;
    XrVector2f *vertices;
} XrPlaneDetectorPolygonBufferEXT;

typedef XrResult(XRAPI_PTR *PFN_xrCreatePlaneDetectorEXT)(
    XrSession session, const XrPlaneDetectorCreateInfoEXT *createInfo,
    XrPlaneDetectorEXT *planeDetector);
typedef XrResult(XRAPI_PTR *PFN_xrDestroyPlaneDetectorEXT)(XrPlaneDetectorEXT planeDetector);
typedef XrResult(XRAPI_PTR *PFN_xrBeginPlaneDetectionEXT)(
    XrPlaneDetectorEXT planeDetector, const XrPlaneDetectorBeginInfoEXT *beginInfo);
typedef XrResult(XRAPI_PTR *PFN_xrGetPlaneDetectionStateEXT)(XrPlaneDetectorEXT planeDetector,
                                                             XrPlaneDetectionStateEXT *state);
typedef XrResult(XRAPI_PTR *PFN_xrGetPlaneDetectionsEXT)(XrPlaneDetectorEXT planeDetector,
                                                         const XrPlaneDetectorGetInfoEXT *info,
                                                         XrPlaneDetectorLocationsEXT *locations);
typedef XrResult(XRAPI_PTR *PFN_xrGetPlanePolygonBufferEXT)(
    XrPlaneDetectorEXT planeDetector, uint64_t planeId, uint32_t polygonBufferIndex,
    XrPlaneDetectorPolygonBufferEXT *polygonBuffer);
#endif // XR_EXT_plane_detection
