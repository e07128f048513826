import Foundation
import ImageIO
import UIKit
import UniformTypeIdentifiers

/// Any image the phone gives (HEIC from the camera or the library, JPEG, PNG…) as what the core
/// takes: JPEG or PNG bytes. JPEG and PNG pass unchanged; anything else is re-encoded as JPEG
/// with ImageIO, copying the source's properties (EXIF GPS and orientation included) so the
/// core can still offer "use the photo's location". The core strips all metadata before
/// anything leaves the phone. Slow for big photos: call it off the main actor.
enum PhotoConversion {
    static func jpegOrPng(from data: Data, quality: Double = 0.9) -> Data? {
        guard let source = CGImageSourceCreateWithData(data as CFData, nil), CGImageSourceGetCount(source) > 0 else {
            return fallback(data, quality: quality)
        }
        if let type = CGImageSourceGetType(source) {
            let identifier = type as String
            if identifier == UTType.jpeg.identifier || identifier == UTType.png.identifier {
                return data
            }
        }
        guard let image = CGImageSourceCreateImageAtIndex(source, 0, nil) else {
            return fallback(data, quality: quality)
        }
        var properties = (CGImageSourceCopyPropertiesAtIndex(source, 0, nil) as? [String: Any]) ?? [:]
        properties[kCGImageDestinationLossyCompressionQuality as String] = quality
        let output = NSMutableData()
        guard let destination = CGImageDestinationCreateWithData(output as CFMutableData, UTType.jpeg.identifier as CFString, 1, nil) else {
            return fallback(data, quality: quality)
        }
        CGImageDestinationAddImage(destination, image, properties as CFDictionary)
        guard CGImageDestinationFinalize(destination) else {
            return fallback(data, quality: quality)
        }
        return output as Data
    }

    /// UIKit's decoder and encoder: loses the photo's GPS, keeps the picture.
    private static func fallback(_ data: Data, quality: Double) -> Data? {
        UIImage(data: data)?.jpegData(compressionQuality: quality)
    }
}
